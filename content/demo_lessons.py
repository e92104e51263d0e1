"""Demo lessons for the ASC/Q0202 course (Regional Sales Development/CRM Manager), one per NOS.

Written for the NOS's actual subject and tagged with the PCs, knowledge items and generic skills
(by code, as published) each lesson teaches. ``load_demo_content`` stores them; nothing else
reads this module.
"""

from __future__ import annotations

from .services import LessonTags


def _text(html: str) -> dict:
    return {"type": "text", "value": html}


def _callout(kind: str, title: str, html: str) -> dict:
    return {"type": "callout", "value": {"kind": kind, "title": title, "text": html}}


def _example(title: str, situation: str, steps: list[str], outcome: str) -> dict:
    return {
        "type": "worked_example",
        "value": {"title": title, "situation": situation, "steps": steps, "outcome": outcome},
    }


def _check(count: int = 3) -> dict:
    return {
        "type": "knowledge_check",
        "value": {"title": "Check your understanding", "number_of_questions": count},
    }


DEMO_QP_CODE = "ASC/Q0202"
SKELETON_QP_CODE = "SSC/Q2211"

# NOS code -> lessons: (slug, title, summary, body, tags)
DEMO_LESSONS: dict[str, list[tuple[str, str, str, list[dict], LessonTags]]] = {
    "ASC/N0001": [
        (
            "planning-your-working-day",
            "Planning your working day",
            "Agree what is expected, put tasks in order of urgency and importance, and keep "
            "people informed as plans change.",
            [
                _text(
                    "<p>A CRM manager's day is full of interruptions: a dealer calls about a "
                    "delayed part, a key account wants a meeting, a complaint has to be answered "
                    "before the end of the day. Planning does not remove these interruptions; it "
                    "makes sure the important work still gets done on time and to the agreed "
                    "standard.</p>"
                    "<h2>Start by agreeing the work</h2>"
                    "<p>Before you plan, be clear about what is expected. For each piece of work, "
                    "agree with the person who asked for it: what the result should be, by when, "
                    "and to what quality. If you are unsure, ask your manager or the colleague "
                    "who owns the task. A five-minute conversation at the start saves a day of "
                    "rework at the end.</p>"
                    "<h2>Urgent or important?</h2>"
                    "<p>Sort your tasks into four groups:</p>"
                    "<ul><li><b>Urgent and important</b>: do these first (a safety complaint from "
                    "a customer, a warranty claim that expires today).</li>"
                    "<li><b>Important, not urgent</b>: schedule a fixed time for these (the "
                    "monthly customer satisfaction review).</li>"
                    "<li><b>Urgent, not important</b>: delegate or handle quickly (a routine data "
                    "request).</li>"
                    "<li><b>Neither</b>: drop them or do them when everything else is done.</li>"
                    "</ul>"
                    "<h2>Know your limits</h2>"
                    "<p>Work within the limits of your role. If a decision is outside your "
                    "authority, such as approving a goodwill repair above your limit, pass it to "
                    "the right person quickly, with the facts they need to decide.</p>"
                ),
                _callout(
                    "important",
                    "Confidential information",
                    "<p>Customer records, prices agreed with key accounts and complaint details "
                    "are confidential. Share them only with people who need them for their work, "
                    "and follow your organisation's rules for storing and sending them.</p>",
                ),
                _example(
                    "A morning that changes",
                    "<p>Meena plans her Monday: a review meeting at 11:00, three complaint "
                    "replies, and the weekly report due at 17:00. At 09:30 a key account reports "
                    "that a batch of vehicles is waiting for a part.</p>",
                    [
                        "She checks who must agree a change of plan: the report deadline was set "
                        "by her regional head.",
                        "She treats the key account as urgent and important, and calls the "
                        "parts team before doing anything else.",
                        "She tells her regional head that the report will be ready at 18:00 "
                        "instead of 17:00, and why.",
                        "She moves the two routine complaint replies to Tuesday morning and "
                        "tells the customers when to expect an answer.",
                    ],
                    "<p>The urgent problem is handled, and nobody is surprised by the changes: "
                    "everyone affected was told in good time.</p>",
                ),
                _check(),
            ],
            LessonTags(
                performance_criteria=("PC5", "PC6", "PC7", "PC8"),
                knowledge_items=("KU2", "KU3", "KU5", "KU6", "KU7", "KU9"),
                generic_skills=("GS3", "GS6", "GS7"),
            ),
        )
    ],
    "ASC/N0002": [
        (
            "working-well-with-colleagues",
            "Working well with colleagues",
            "Communicate clearly, keep your commitments, and solve problems with colleagues "
            "before they grow.",
            [
                _text(
                    "<p>Customer relationship work depends on other people: sales advisers, "
                    "service managers, the parts team and the manufacturer's field staff. A "
                    "customer sees one organisation, so how well you work together decides what "
                    "the customer experiences.</p>"
                    "<h2>Choose the right way to communicate</h2>"
                    "<ul><li>Use a phone call or a short meeting when something is urgent or "
                    "sensitive, or needs discussion.</li>"
                    "<li>Use email or the CRM system when the information must be kept on record, "
                    "for example a customer's complaint history.</li>"
                    "<li>Use a message for quick updates that need no reply.</li></ul>"
                    "<h2>Keep your commitments, or say so early</h2>"
                    "<p>When you promise a colleague something, they plan their work around it. "
                    "If you cannot deliver on time, tell them as soon as you know, explain why, "
                    "and offer a new time. A missed commitment that nobody mentioned damages "
                    "trust far more than a delay that was explained.</p>"
                    "<h2>Trust and respect</h2>"
                    "<p>Listen to colleagues' views before you disagree, give credit where it is "
                    "due, and never discuss a colleague's mistakes in front of customers. Respect "
                    "makes people willing to help when you need them.</p>"
                ),
                _example(
                    "A disagreement about a customer",
                    "<p>The service manager, Raj, believes a customer's gearbox complaint is "
                    "caused by misuse; the customer says it is a manufacturing fault. Raj has "
                    "refused a warranty claim and the customer has escalated to you.</p>",
                    [
                        "Meet Raj privately and ask him to explain what he found.",
                        "Share the customer's account and the vehicle's service history.",
                        "Agree together to request an inspection by the manufacturer's field "
                        "engineer.",
                        "Tell the customer what will happen next and when, without blaming Raj.",
                    ],
                    "<p>The problem is solved on the facts, the customer is kept informed, and "
                    "the working relationship with the service team stays intact.</p>",
                ),
                _callout(
                    "tip",
                    "Share resources fairly",
                    "<p>Demonstration vehicles, meeting rooms and specialist staff are shared. "
                    "Agree their use by the priority of the tasks, not by who asks first.</p>",
                ),
                _check(),
            ],
            LessonTags(
                performance_criteria=("PC1", "PC5", "PC6", "PC7"),
                knowledge_items=("KU2", "KU3", "KU4", "KU5", "KU6"),
                generic_skills=("GS3", "GS8", "GS13"),
            ),
        )
    ],
    "ASC/N0003": [
        (
            "health-safety-and-security-at-work",
            "Health, safety and security at work",
            "Recognise hazards, report them to the right person, and know what to do in an "
            "emergency.",
            [
                _text(
                    "<p>Showrooms and workshops bring customers, staff and vehicles together. "
                    "Everyone has a duty to keep them safe, and managers set the example.</p>"
                    "<h2>What is a hazard?</h2>"
                    "<p>A hazard is anything that could cause harm: oil on the workshop floor, "
                    "a trailing cable in the showroom, a blocked fire exit, a customer walking "
                    "into the workshop area, or a colleague working while unwell. The "
                    "<b>risk</b> is how likely the harm is and how bad it would be.</p>"
                    "<h2>Deal with it or report it</h2>"
                    "<p>If you can remove a hazard safely and it is within your authority, do so "
                    "straight away: wipe up a spill, move a box out of a walkway. If it is "
                    "outside your authority or needs specialist skills, such as a faulty "
                    "electrical panel, keep people away and report it at once to the person your "
                    "organisation names for health and safety.</p>"
                    "<h2>Emergencies</h2>"
                    "<p>Know the emergency procedures before you need them: where the exits and "
                    "assembly point are, who the fire wardens and first aiders are, and how to "
                    "call an ambulance or the fire service (112 in India). In an evacuation, "
                    "visitors and customers need to be guided out: they do not know the "
                    "building.</p>"
                ),
                _callout(
                    "safety",
                    "Record every incident",
                    "<p>Write up every accident and near miss in the accident report, even when "
                    "nobody was hurt. Records show patterns that prevent the next accident, and "
                    "the law requires them.</p>",
                ),
                _example(
                    "A smell of fuel in the delivery bay",
                    "<p>During a vehicle handover you notice a strong smell of petrol near a "
                    "customer's new car.</p>",
                    [
                        "Ask the customer and staff to move away from the vehicle, calmly.",
                        "Make sure nobody smokes or starts an engine nearby.",
                        "Call the workshop supervisor, who is authorised to inspect fuel systems.",
                        "Record what happened in the incident log, including the time and who "
                        "was told.",
                    ],
                    "<p>You acted within your authority, kept people safe, and the right person "
                    "dealt with the fault.</p>",
                ),
                _check(),
            ],
            LessonTags(
                performance_criteria=("PC1", "PC4", "PC5", "PC6", "PC8"),
                knowledge_items=("KU2", "KU3", "KU4", "KU5", "KU9", "KU10", "KU11"),
                generic_skills=("GS4", "GS7", "GS9"),
            ),
        )
    ],
    "ASC/N0004": [
        (
            "handling-customer-queries-and-complaints",
            "Handling customer queries and complaints",
            "Understand the whole complaint, record it properly, resolve it quickly and learn "
            "from the feedback.",
            [
                _text(
                    "<p>A complaint handled well often makes a customer more loyal than one who "
                    "never had a problem. Handling it well means understanding it completely, "
                    "recording it, and resolving it quickly, within your organisation's "
                    "procedures.</p>"
                    "<h2>Understand the complaint completely</h2>"
                    "<p>Let the customer explain without interrupting. Then ask questions to "
                    "fill the gaps: which vehicle and component, when the problem started, what "
                    "has already been tried. Repeat the complaint back in your own words and ask "
                    "whether you have understood it correctly.</p>"
                    "<h2>Record it in the prescribed format</h2>"
                    "<p>Enter every query and complaint in the CRM system using your "
                    "organisation's format: customer and vehicle details, the complaint in the "
                    "customer's words, its category, and the promised response time. A complete "
                    "record lets anyone in the team pick up the case, and supports warranty "
                    "claims with the manufacturer.</p>"
                    "<h2>Keep the turnaround time short</h2>"
                    "<p>Safety-related complaints come first. For every complaint, tell the "
                    "customer what will happen next and by when, and follow up before the "
                    "deadline, not after it.</p>"
                ),
                _example(
                    "A repeated brake noise complaint",
                    "<p>Mr Sharma, a fleet customer with 40 vehicles, reports that three of his "
                    "trucks have the same brake noise after their last service.</p>",
                    [
                        "Listen, then confirm: three vehicles, same noise, all since the last "
                        "service.",
                        "Record the complaint in the CRM with the registration numbers and mark "
                        "it as safety-related.",
                        "Arrange inspection of all three trucks within 24 hours with the "
                        "service manager.",
                        "Call Mr Sharma with the findings and the fix, and record his feedback "
                        "once the trucks are back on the road.",
                    ],
                    "<p>A key account sees a fast, organised response, and the record shows a "
                    "possible pattern that can be reported to the component supplier.</p>",
                ),
                _callout(
                    "tip",
                    "Feedback is information",
                    "<p>Review the complaints and feedback each month. Repeated complaints about "
                    "one component or one step of the process show where to improve.</p>",
                ),
                _check(),
            ],
            LessonTags(
                performance_criteria=("PC1", "PC4", "PC5", "PC8", "PC9"),
                knowledge_items=("KU2", "KU3", "KU4", "KU15", "KU16"),
                generic_skills=("GS8", "GS13", "GS16", "GS18"),
            ),
        )
    ],
    "ASC/N0203": [
        (
            "understanding-customer-segments",
            "Understanding customer segments",
            "Group customers by their needs and value, and use the groups to decide how and how "
            "often to contact them.",
            [
                _text(
                    "<p>Not every customer needs the same attention. A fleet operator who buys "
                    "twenty vehicles a year, a first-time car buyer and a customer whose "
                    "warranty has just expired each need a different kind of contact. "
                    "<b>Segmentation</b> means grouping customers with similar needs so that "
                    "each group gets communication that is useful to it.</p>"
                    "<h2>Common segments in automotive sales</h2>"
                    "<ul><li>By type: individual, small business, fleet or government.</li>"
                    "<li>By stage: enquiry, new owner, in warranty, out of warranty.</li>"
                    "<li>By value: spend on vehicles, service and parts over the last year.</li>"
                    "</ul>"
                    "<h2>Gathering customer information</h2>"
                    "<p>Segments are only as good as the data behind them. Use service records, "
                    "purchase history, satisfaction surveys and short follow-up calls. Ask "
                    "customers how they prefer to be contacted, and respect their choice.</p>"
                    "<h2>Measure and refine</h2>"
                    "<p>Track each segment's spend, contact frequency and satisfaction scores. "
                    "If a segment's satisfaction falls, find out why before adding more "
                    "messages: more contact is not always better contact.</p>"
                ),
                _example(
                    "A reminder campaign that annoyed customers",
                    "<p>The dealership sent the same weekly service reminder to every customer. "
                    'Complaints about "too many messages" rose, and bookings did not.</p>',
                    [
                        "Split customers by stage: new owners, in warranty, out of warranty.",
                        "Send new owners one welcome call and a first-service reminder only.",
                        "Send in-warranty owners a reminder two weeks before each due service.",
                        "Offer out-of-warranty owners a seasonal check-up package every three "
                        "months.",
                    ],
                    "<p>Fewer messages went out, complaints fell, and service bookings rose "
                    "because each message was relevant to the person who received it.</p>",
                ),
                _check(),
            ],
            LessonTags(
                performance_criteria=("PC2", "PC4", "PC5", "PC6", "PC7"),
                knowledge_items=("KU5", "KU6", "KU7"),
                generic_skills=("GS6", "GS9"),
            ),
        )
    ],
    "ASC/N0204": [
        (
            "designing-a-customer-retention-campaign",
            "Designing a customer retention campaign",
            "Plan a campaign that keeps customers coming back, and judge it by what the data "
            "shows.",
            [
                _text(
                    "<p>Winning a new customer costs far more than keeping an existing one. A "
                    "<b>retention campaign</b> is a planned set of contacts and offers that gives "
                    "customers a reason to return for service, parts and their next vehicle.</p>"
                    "<h2>Plan the campaign</h2>"
                    "<ol><li><b>Objective</b>: one measurable goal, such as raising the share of "
                    "out-of-warranty customers who return for service from 40 to 50 per cent.</li>"
                    "<li><b>Audience</b>: the customer segment the goal is about.</li>"
                    "<li><b>Offer and message</b>: what is in it for the customer.</li>"
                    "<li><b>Channels</b>: phone, SMS, email or events, chosen by the segment's "
                    "preferences.</li>"
                    "<li><b>Measurement</b>: what you will count, and a comparison group that does "
                    "not receive the campaign.</li></ol>"
                    "<h2>Stay within the rules</h2>"
                    "<p>Follow consumer protection law and your organisation's code of ethics: "
                    "offers must be honest, customers must be able to opt out of messages, and "
                    "personal data may be used only for the purposes customers agreed to.</p>"
                    "<h2>Analyse the outcome</h2>"
                    "<p>Compare the campaign group with the comparison group. If both improved "
                    "equally, the campaign did not cause the improvement. Share the results with "
                    "the CRM team and the business, and use them to design the next campaign.</p>"
                ),
                _example(
                    "A monsoon check-up campaign",
                    "<p>Before the monsoon, the region wants more out-of-warranty customers to "
                    "return for service.</p>",
                    [
                        "Objective: 10 per cent more out-of-warranty service visits in June and "
                        "July than last year.",
                        "Audience: customers whose vehicles are 3 to 6 years old; 10 per cent "
                        "are held back as a comparison group.",
                        "Offer: a free 20-point monsoon safety check (wipers, brakes, tyres, "
                        "lights) with any paid service.",
                        "Measure: visits and spend of the campaign group against the "
                        "comparison group, reviewed every two weeks.",
                    ],
                    "<p>The campaign group returned 14 per cent more often than the comparison "
                    "group, so the check-up is repeated before next year's monsoon.</p>",
                ),
                _check(),
            ],
            LessonTags(
                performance_criteria=("PC1", "PC4", "PC5", "PC6", "PC7"),
                knowledge_items=("KU3", "KU6", "KU7", "KU11"),
                generic_skills=("GS6", "GS8", "GS14"),
            ),
        )
    ],
}


# A Hindi translation of one lesson, to show lessons in both languages (Wagtail localisation).
# (NOS code, English lesson slug) -> (title, summary, body)
DEMO_TRANSLATIONS_HI: dict[tuple[str, str], tuple[str, str, list[dict]]] = {
    ("ASC/N0001", "planning-your-working-day"): (
        "अपने कार्यदिवस की योजना बनाना",
        "तय करें कि क्या अपेक्षित है, कामों को तात्कालिकता और महत्व के क्रम में रखें, और योजना "
        "बदलने पर सबको सूचित रखें।",
        [
            _text(
                "<p>एक सीआरएम मैनेजर का दिन रुकावटों से भरा होता है: कोई डीलर देर से आए पुर्ज़े के "
                "बारे में फ़ोन करता है, कोई मुख्य ग्राहक बैठक चाहता है, किसी शिकायत का जवाब दिन "
                "ख़त्म होने से पहले देना है। योजना इन रुकावटों को ख़त्म नहीं करती; वह यह पक्का करती है "
                "कि ज़रूरी काम फिर भी समय पर और तय गुणवत्ता के साथ पूरा हो।</p>"
                "<h2>पहले काम तय करें</h2>"
                "<p>योजना बनाने से पहले स्पष्ट कर लें कि आपसे क्या अपेक्षित है। हर काम के लिए, "
                "काम देने वाले व्यक्ति से तय करें: नतीजा क्या होना चाहिए, कब तक, और किस गुणवत्ता "
                "का। अगर कुछ स्पष्ट न हो, तो अपने मैनेजर या काम के ज़िम्मेदार सहकर्मी से पूछें। "
                "शुरुआत में पाँच मिनट की बातचीत अंत में एक दिन के दोबारा काम से बचाती है।</p>"
                "<h2>तात्कालिक या महत्वपूर्ण?</h2>"
                "<ul><li><b>तात्कालिक और महत्वपूर्ण</b>: ये पहले करें (ग्राहक की सुरक्षा से जुड़ी "
                "शिकायत, आज समाप्त होने वाला वारंटी दावा)।</li>"
                "<li><b>महत्वपूर्ण, पर तात्कालिक नहीं</b>: इनके लिए समय तय करें (मासिक ग्राहक "
                "संतुष्टि समीक्षा)।</li>"
                "<li><b>तात्कालिक, पर महत्वपूर्ण नहीं</b>: किसी और को सौंपें या जल्दी निपटाएँ।</li>"
                "<li><b>दोनों नहीं</b>: इन्हें छोड़ दें या बाक़ी सब के बाद करें।</li></ul>"
                "<h2>अपनी सीमाएँ जानें</h2>"
                "<p>अपनी भूमिका की सीमा में काम करें। अगर कोई निर्णय आपके अधिकार से बाहर है, "
                "जैसे आपकी सीमा से ऊपर की मुफ़्त मरम्मत को मंज़ूरी देना, तो उसे जल्दी से सही व्यक्ति "
                "तक पहुँचाएँ, उन तथ्यों के साथ जो निर्णय के लिए ज़रूरी हैं।</p>"
            ),
            _callout(
                "important",
                "गोपनीय जानकारी",
                "<p>ग्राहकों के रिकॉर्ड, मुख्य ग्राहकों से तय क़ीमतें और शिकायतों का विवरण गोपनीय "
                "हैं। इन्हें केवल उन्हीं लोगों से साझा करें जिन्हें काम के लिए इनकी ज़रूरत है, और "
                "इन्हें रखने व भेजने के लिए अपने संगठन के नियमों का पालन करें।</p>",
            ),
            _check(),
        ],
    ),
}
