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


def _check(count: int = 3, title: str = "Check your understanding") -> dict:
    return {
        "type": "knowledge_check",
        "value": {"title": title, "number_of_questions": count},
    }


CHECK_TITLE_HI = "अपनी समझ जाँचें"


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


# The Hindi course: every demo lesson translated (Wagtail localisation), blocks included.
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
            _check(title=CHECK_TITLE_HI),
        ],
    ),
    ("ASC/N0002", "working-well-with-colleagues"): (
        "सहकर्मियों के साथ अच्छे से काम करना",
        "साफ़ बात करें, अपने वादे निभाएँ, और समस्याओं को बढ़ने से पहले सहकर्मियों के साथ सुलझाएँ।",
        [
            _text(
                "<p>ग्राहक संबंधों का काम दूसरे लोगों पर निर्भर करता है: सेल्स सलाहकार, सर्विस "
                "मैनेजर, पुर्ज़ों की टीम और निर्माता का फ़ील्ड स्टाफ़। ग्राहक को एक ही संगठन दिखता है, "
                "इसलिए आप मिलकर कितना अच्छा काम करते हैं, यही तय करता है कि ग्राहक का अनुभव कैसा "
                "होगा।</p>"
                "<h2>बात करने का सही तरीका चुनें</h2>"
                "<ul><li>जब कोई बात ज़रूरी या संवेदनशील हो, या उस पर चर्चा चाहिए, तो फ़ोन करें या छोटी "
                "बैठक करें।</li>"
                "<li>जब जानकारी रिकॉर्ड में रखनी हो, जैसे किसी ग्राहक की शिकायतों का इतिहास, तो ईमेल "
                "या सीआरएम सिस्टम का उपयोग करें।</li>"
                "<li>ऐसी छोटी सूचनाओं के लिए संदेश भेजें जिनका जवाब नहीं चाहिए।</li></ul>"
                "<h2>अपने वादे निभाएँ, या जल्दी बता दें</h2>"
                "<p>जब आप किसी सहकर्मी से कुछ वादा करते हैं, तो वह अपना काम उसी के हिसाब से तय करता "
                "है। अगर आप समय पर नहीं दे सकते, तो जैसे ही पता चले उन्हें बताएँ, कारण समझाएँ और नया "
                "समय दें। बिना बताए टूटा वादा, समझाई गई देरी से कहीं ज़्यादा भरोसा तोड़ता है।</p>"
                "<h2>भरोसा और सम्मान</h2>"
                "<p>असहमत होने से पहले सहकर्मियों की राय सुनें, जिसका श्रेय हो उसे दें, और ग्राहकों के "
                "सामने कभी किसी सहकर्मी की गलतियों की चर्चा न करें। सम्मान से लोग ज़रूरत के समय मदद "
                "करने को तैयार रहते हैं।</p>"
            ),
            _example(
                "एक ग्राहक को लेकर असहमति",
                "<p>सर्विस मैनेजर राज मानते हैं कि एक ग्राहक की गियरबॉक्स शिकायत गलत इस्तेमाल से है; "
                "ग्राहक कहता है कि यह निर्माण का दोष है। राज ने वारंटी दावा ठुकरा दिया है और ग्राहक ने "
                "मामला आप तक पहुँचाया है।</p>",
                [
                    "राज से अकेले में मिलें और पूछें कि उन्होंने क्या पाया।",
                    "ग्राहक की बात और गाड़ी का सर्विस इतिहास साझा करें।",
                    "मिलकर तय करें कि निर्माता के फ़ील्ड इंजीनियर से जाँच करवाई जाए।",
                    "ग्राहक को बताएँ कि आगे क्या होगा और कब, राज को दोष दिए बिना।",
                ],
                "<p>समस्या तथ्यों के आधार पर सुलझती है, ग्राहक को जानकारी मिलती रहती है, और सर्विस "
                "टीम के साथ काम का रिश्ता बना रहता है।</p>",
            ),
            _callout(
                "tip",
                "संसाधन निष्पक्षता से बाँटें",
                "<p>डेमो गाड़ियाँ, बैठक के कमरे और विशेषज्ञ स्टाफ़ साझा होते हैं। इनका उपयोग कामों की "
                "प्राथमिकता से तय करें, इससे नहीं कि पहले किसने माँगा।</p>",
            ),
            _check(title=CHECK_TITLE_HI),
        ],
    ),
    ("ASC/N0003", "health-safety-and-security-at-work"): (
        "काम पर स्वास्थ्य, सुरक्षा और संरक्षा",
        "ख़तरों को पहचानें, उन्हें सही व्यक्ति तक पहुँचाएँ, और जानें कि आपात स्थिति में क्या करना है।",
        [
            _text(
                "<p>शोरूम और वर्कशॉप में ग्राहक, कर्मचारी और गाड़ियाँ एक साथ होते हैं। उन्हें सुरक्षित "
                "रखना हर किसी का कर्तव्य है, और मैनेजर इसकी मिसाल बनते हैं।</p>"
                "<h2>ख़तरा क्या है?</h2>"
                "<p>ख़तरा हर वह चीज़ है जो नुकसान पहुँचा सकती है: वर्कशॉप के फ़र्श पर तेल, शोरूम में "
                "लटकता तार, बंद आपातकालीन निकास, वर्कशॉप में घुसता ग्राहक, या बीमार होते हुए काम करता "
                "सहकर्मी। <b>जोखिम</b> यह है कि नुकसान कितना संभव है और कितना गंभीर होगा।</p>"
                "<h2>ख़ुद ठीक करें या सूचना दें</h2>"
                "<p>अगर आप किसी ख़तरे को सुरक्षित रूप से हटा सकते हैं और यह आपके अधिकार में है, तो "
                "तुरंत करें: गिरा हुआ तेल पोंछें, रास्ते से डिब्बा हटाएँ। अगर यह आपके अधिकार से बाहर है "
                "या विशेष कौशल चाहिए, जैसे ख़राब बिजली पैनल, तो लोगों को दूर रखें और तुरंत उस व्यक्ति "
                "को बताएँ जिसे आपके संगठन ने स्वास्थ्य और सुरक्षा के लिए नियुक्त किया है।</p>"
                "<h2>आपात स्थिति</h2>"
                "<p>ज़रूरत पड़ने से पहले आपात प्रक्रियाएँ जान लें: निकास और इकट्ठा होने की जगह कहाँ "
                "है, फ़ायर वार्डन और प्राथमिक उपचार देने वाले कौन हैं, और एम्बुलेंस या दमकल को कैसे "
                "बुलाएँ (भारत में 112)। इमारत खाली कराते समय आगंतुकों और ग्राहकों को रास्ता दिखाएँ: वे "
                "इमारत को नहीं जानते।</p>"
            ),
            _callout(
                "safety",
                "हर घटना दर्ज करें",
                "<p>हर दुर्घटना और बाल-बाल बची घटना को दुर्घटना रिपोर्ट में लिखें, भले ही कोई घायल न "
                "हुआ हो। रिकॉर्ड ऐसे पैटर्न दिखाते हैं जो अगली दुर्घटना रोकते हैं, और क़ानून भी इन्हें "
                "माँगता है।</p>",
            ),
            _example(
                "डिलीवरी बे में ईंधन की गंध",
                "<p>गाड़ी सौंपते समय आपको ग्राहक की नई कार के पास पेट्रोल की तेज़ गंध आती है।</p>",
                [
                    "ग्राहक और कर्मचारियों से शांति से गाड़ी से दूर जाने को कहें।",
                    "पक्का करें कि पास में कोई धूम्रपान न करे और कोई इंजन चालू न करे।",
                    "वर्कशॉप सुपरवाइज़र को बुलाएँ, जिन्हें ईंधन प्रणाली जाँचने का अधिकार है।",
                    "घटना रजिस्टर में लिखें कि क्या हुआ, समय और किसे बताया गया, समेत।",
                ],
                "<p>आपने अपने अधिकार में रहकर काम किया, लोगों को सुरक्षित रखा, और सही व्यक्ति ने "
                "ख़राबी देखी।</p>",
            ),
            _check(title=CHECK_TITLE_HI),
        ],
    ),
    ("ASC/N0004", "handling-customer-queries-and-complaints"): (
        "ग्राहकों के सवाल और शिकायतें सँभालना",
        "पूरी शिकायत समझें, उसे ठीक से दर्ज करें, जल्दी सुलझाएँ और प्रतिक्रिया से सीखें।",
        [
            _text(
                "<p>अच्छी तरह सँभाली गई शिकायत अक्सर ग्राहक को उस ग्राहक से भी ज़्यादा वफ़ादार बनाती "
                "है जिसे कभी समस्या नहीं हुई। अच्छी तरह सँभालने का अर्थ है उसे पूरी तरह समझना, दर्ज "
                "करना, और अपने संगठन की प्रक्रियाओं के भीतर जल्दी सुलझाना।</p>"
                "<h2>शिकायत पूरी तरह समझें</h2>"
                "<p>ग्राहक को बिना टोके बात कहने दें। फिर कमी भरने के लिए सवाल पूछें: कौन सी गाड़ी और "
                "कौन सा पुर्ज़ा, समस्या कब शुरू हुई, अब तक क्या आज़माया गया। शिकायत को अपने शब्दों में "
                "दोहराएँ और पूछें कि क्या आपने सही समझा।</p>"
                "<h2>तय प्रारूप में दर्ज करें</h2>"
                "<p>हर सवाल और शिकायत को अपने संगठन के प्रारूप में सीआरएम सिस्टम में दर्ज करें: ग्राहक "
                "और गाड़ी का विवरण, ग्राहक के शब्दों में शिकायत, उसकी श्रेणी, और जवाब का वादा किया गया "
                "समय। पूरा रिकॉर्ड टीम में किसी को भी मामला सँभालने देता है, और निर्माता से वारंटी दावों "
                "में मदद करता है।</p>"
                "<h2>जवाब का समय कम रखें</h2>"
                "<p>सुरक्षा से जुड़ी शिकायतें पहले आती हैं। हर शिकायत के लिए ग्राहक को बताएँ कि आगे क्या "
                "होगा और कब तक, और समय-सीमा से पहले संपर्क करें, बाद में नहीं।</p>"
            ),
            _example(
                "ब्रेक की आवाज़ की बार-बार शिकायत",
                "<p>40 गाड़ियों वाले फ़्लीट ग्राहक श्री शर्मा बताते हैं कि पिछली सर्विस के बाद उनके तीन "
                "ट्रकों में ब्रेक से एक जैसी आवाज़ आ रही है।</p>",
                [
                    "सुनें, फिर पुष्टि करें: तीन गाड़ियाँ, एक जैसी आवाज़, सब पिछली सर्विस के बाद से।",
                    "पंजीकरण संख्याओं के साथ शिकायत सीआरएम में दर्ज करें और उसे सुरक्षा से जुड़ी चिह्नित करें।",
                    "सर्विस मैनेजर के साथ 24 घंटे के भीतर तीनों ट्रकों की जाँच तय करें।",
                    "श्री शर्मा को जाँच के नतीजे और समाधान बताएँ, और ट्रक चलने लगें तो उनकी प्रतिक्रिया "
                    "दर्ज करें।",
                ],
                "<p>एक मुख्य ग्राहक को तेज़ और व्यवस्थित जवाब मिलता है, और रिकॉर्ड एक संभावित पैटर्न "
                "दिखाता है जिसकी सूचना पुर्ज़ा आपूर्तिकर्ता को दी जा सकती है।</p>",
            ),
            _callout(
                "tip",
                "प्रतिक्रिया एक जानकारी है",
                "<p>हर महीने शिकायतों और प्रतिक्रियाओं की समीक्षा करें। किसी एक पुर्ज़े या प्रक्रिया के "
                "एक चरण पर बार-बार आई शिकायतें दिखाती हैं कि सुधार कहाँ करना है।</p>",
            ),
            _check(title=CHECK_TITLE_HI),
        ],
    ),
    ("ASC/N0203", "understanding-customer-segments"): (
        "ग्राहक खंडों को समझना",
        "ग्राहकों को उनकी ज़रूरतों और मूल्य के आधार पर समूहों में बाँटें, और समूहों से तय करें कि "
        "उनसे कैसे और कितनी बार संपर्क करना है।",
        [
            _text(
                "<p>हर ग्राहक को एक जैसा ध्यान नहीं चाहिए। साल में बीस गाड़ियाँ ख़रीदने वाला फ़्लीट "
                "संचालक, पहली बार कार ख़रीदने वाला, और वह ग्राहक जिसकी वारंटी अभी ख़त्म हुई है, सबको "
                "अलग तरह का संपर्क चाहिए। <b>खंडीकरण</b> का अर्थ है एक जैसी ज़रूरतों वाले ग्राहकों को "
                "समूह में रखना, ताकि हर समूह को उसके काम की बात पहुँचे।</p>"
                "<h2>ऑटोमोबाइल बिक्री में आम खंड</h2>"
                "<ul><li>प्रकार से: व्यक्ति, छोटा व्यवसाय, फ़्लीट या सरकार।</li>"
                "<li>चरण से: पूछताछ, नया मालिक, वारंटी में, वारंटी के बाद।</li>"
                "<li>मूल्य से: पिछले साल गाड़ियों, सर्विस और पुर्ज़ों पर ख़र्च।</li></ul>"
                "<h2>ग्राहकों की जानकारी जुटाना</h2>"
                "<p>खंड उतने ही अच्छे होते हैं जितना उनके पीछे का डेटा। सर्विस रिकॉर्ड, ख़रीद का "
                "इतिहास, संतुष्टि सर्वे और छोटी फ़ॉलो-अप कॉल का उपयोग करें। ग्राहकों से पूछें कि वे किस "
                "तरह संपर्क पसंद करते हैं, और उनकी पसंद का सम्मान करें।</p>"
                "<h2>मापें और सुधारें</h2>"
                "<p>हर खंड का ख़र्च, संपर्क की आवृत्ति और संतुष्टि के अंक देखें। अगर किसी खंड की "
                "संतुष्टि घटे, तो और संदेश भेजने से पहले कारण पता करें: ज़्यादा संपर्क हमेशा बेहतर "
                "संपर्क नहीं होता।</p>"
            ),
            _example(
                "एक रिमाइंडर अभियान जिससे ग्राहक नाराज़ हुए",
                '<p>डीलरशिप ने हर ग्राहक को हर हफ़्ते एक ही सर्विस रिमाइंडर भेजा। "बहुत ज़्यादा '
                'संदेश" की शिकायतें बढ़ीं, पर बुकिंग नहीं बढ़ी।</p>',
                [
                    "ग्राहकों को चरण से बाँटें: नए मालिक, वारंटी में, वारंटी के बाद।",
                    "नए मालिकों को एक स्वागत कॉल और केवल पहली सर्विस का रिमाइंडर भेजें।",
                    "वारंटी वाले मालिकों को हर तय सर्विस से दो हफ़्ते पहले रिमाइंडर भेजें।",
                    "वारंटी के बाद वाले मालिकों को हर तीन महीने में मौसमी जाँच पैकेज दें।",
                ],
                "<p>कम संदेश गए, शिकायतें घटीं, और सर्विस बुकिंग बढ़ी क्योंकि हर संदेश पाने वाले के काम का था।</p>",
            ),
            _check(title=CHECK_TITLE_HI),
        ],
    ),
    ("ASC/N0204", "designing-a-customer-retention-campaign"): (
        "ग्राहक बनाए रखने का अभियान बनाना",
        "ऐसा अभियान बनाएँ जो ग्राहकों को लौटाता रहे, और डेटा के आधार पर उसे परखें।",
        [
            _text(
                "<p>नया ग्राहक जीतना मौजूदा ग्राहक को बनाए रखने से कहीं महँगा है। <b>ग्राहक बनाए रखने "
                "का अभियान</b> संपर्कों और ऑफ़रों का एक योजनाबद्ध सेट है जो ग्राहकों को सर्विस, पुर्ज़ों "
                "और अगली गाड़ी के लिए लौटने का कारण देता है।</p>"
                "<h2>अभियान की योजना बनाएँ</h2>"
                "<ol><li><b>लक्ष्य</b>: एक मापने योग्य लक्ष्य, जैसे सर्विस के लिए लौटने वाले वारंटी के "
                "बाद के ग्राहकों का हिस्सा 40 से 50 प्रतिशत करना।</li>"
                "<li><b>दर्शक</b>: वह ग्राहक खंड जिसके बारे में लक्ष्य है।</li>"
                "<li><b>ऑफ़र और संदेश</b>: ग्राहक को इससे क्या मिलेगा।</li>"
                "<li><b>माध्यम</b>: फ़ोन, एसएमएस, ईमेल या कार्यक्रम, खंड की पसंद के हिसाब से।</li>"
                "<li><b>माप</b>: आप क्या गिनेंगे, और एक तुलना समूह जिसे अभियान नहीं मिलता।</li></ol>"
                "<h2>नियमों के भीतर रहें</h2>"
                "<p>उपभोक्ता संरक्षण क़ानून और अपने संगठन की आचार संहिता का पालन करें: ऑफ़र ईमानदार "
                "हों, ग्राहक संदेशों से बाहर हो सकें, और निजी डेटा केवल उन्हीं कामों के लिए उपयोग हो "
                "जिनके लिए ग्राहकों ने सहमति दी।</p>"
                "<h2>नतीजे का विश्लेषण करें</h2>"
                "<p>अभियान समूह की तुलना तुलना समूह से करें। अगर दोनों में बराबर सुधार हुआ, तो सुधार "
                "अभियान से नहीं हुआ। नतीजे सीआरएम टीम और व्यवसाय के साथ साझा करें, और अगला अभियान "
                "बनाने में उनका उपयोग करें।</p>"
            ),
            _example(
                "मानसून जाँच अभियान",
                "<p>मानसून से पहले क्षेत्र चाहता है कि वारंटी के बाद वाले ज़्यादा ग्राहक सर्विस के लिए लौटें।</p>",
                [
                    "लक्ष्य: जून और जुलाई में पिछले साल से 10 प्रतिशत ज़्यादा वारंटी के बाद की सर्विस।",
                    "दर्शक: वे ग्राहक जिनकी गाड़ियाँ 3 से 6 साल पुरानी हैं; 10 प्रतिशत को तुलना समूह के "
                    "रूप में अलग रखा जाता है।",
                    "ऑफ़र: किसी भी सशुल्क सर्विस के साथ 20 बिंदुओं की मुफ़्त मानसून सुरक्षा जाँच (वाइपर, "
                    "ब्रेक, टायर, लाइटें)।",
                    "माप: अभियान समूह की विज़िट और ख़र्च की तुलना तुलना समूह से, हर दो हफ़्ते में समीक्षा।",
                ],
                "<p>अभियान समूह तुलना समूह से 14 प्रतिशत ज़्यादा लौटा, इसलिए यह जाँच अगले साल के "
                "मानसून से पहले दोहराई जाती है।</p>",
            ),
            _check(title=CHECK_TITLE_HI),
        ],
    ),
}


# The Hindi course's own page titles: the course (the QP) and one module per NOS.
DEMO_COURSE_TITLE_HI = "क्षेत्रीय बिक्री विकास/सीआरएम मैनेजर"
DEMO_MODULE_TITLES_HI: dict[str, str] = {
    "ASC/N0001": "अपेक्षित परिणामों के लिए काम की योजना बनाना और व्यवस्थित करना",
    "ASC/N0002": "टीम में प्रभावी ढंग से काम करना",
    "ASC/N0003": "स्वस्थ, सुरक्षित और संरक्षित कार्य वातावरण बनाए रखना",
    "ASC/N0004": "ग्राहक संबंध और गुणवत्तापूर्ण सेवा का प्रबंधन",
    "ASC/N0203": "ग्राहकों की पूरी संतुष्टि बनाए रखना",
    "ASC/N0204": "बेहतर ग्राहक अनुभव के लिए ढाँचा बनाना और विकसित करना",
}
