"""Forms of the framework's admin pages."""

from __future__ import annotations

from django import forms

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


class DocumentUploadForm(forms.Form):
    documents = forms.FileField(
        label="Qualification documents (text)",
        help_text="One or more QP, NOS, course outline or unit-of-competency documents as text. "
        "They are imported together: if one cannot be understood, nothing is imported.",
        widget=forms.ClearableFileInput(attrs={"allow_multiple_selected": True, "accept": ".txt"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["documents"].widget.attrs["multiple"] = True

    def clean_documents(self):
        files = self.files.getlist("documents")
        if not files:
            raise forms.ValidationError("Choose at least one document.")
        documents = []
        for upload in files:
            if upload.size > MAX_DOCUMENT_BYTES:
                raise forms.ValidationError(f"{upload.name}: larger than 5 MB.")
            raw = upload.read()
            if b"\x00" in raw:
                raise forms.ValidationError(f"{upload.name}: a binary file, not a text document.")
            try:
                documents.append((upload.name, raw.decode("utf-8-sig")))
            except UnicodeDecodeError as exc:
                raise forms.ValidationError(f"{upload.name}: not UTF-8 text.") from exc
        return documents


MAX_HINDI_SHEET_BYTES = 5 * 1024 * 1024


class HindiTextsForm(forms.Form):
    """One Hindi box per framework text, shown beside its English (``texts``: a list of
    ``translations.FrameworkText``). Blank means "no Hindi yet": pages then show the English."""

    def __init__(self, *args, texts, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.texts = texts
        for text in texts:
            long = text.kind in ("pc", "ku", "gs")
            attrs = {"lang": "hi", "dir": "auto"}
            self.fields[self._name(text)] = forms.CharField(
                label=f"{text.label} in Hindi",
                required=False,
                max_length=text.max_length,
                initial=text.hindi,
                widget=forms.Textarea(attrs={**attrs, "rows": 2})
                if long
                else forms.TextInput(attrs),
            )

    @staticmethod
    def _name(text) -> str:
        return f"hi:{text.kind}:{text.nos_code}:{text.position or ''}"

    def rows(self):
        """(text, its bound Hindi field) in the document's order, for the template."""
        return [(text, self[self._name(text)]) for text in self.texts]

    def hindi(self) -> dict[tuple, str]:
        return {text.key: self.cleaned_data[self._name(text)] for text in self.texts}


class HindiSheetForm(forms.Form):
    sheet = forms.FileField(
        label="Hindi sheet (.csv or .xlsx)",
        help_text="The template of this QP with its hindi column filled in. Only the Hindi "
        "changes; a blank hindi cell clears that text's Hindi. If any row is in error, "
        "nothing is changed.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    dry_run = forms.BooleanField(
        label="Dry run: check the sheet and show what would change, change nothing",
        required=False,
    )

    def clean_sheet(self):
        upload = self.cleaned_data["sheet"]
        if upload.size > MAX_HINDI_SHEET_BYTES:
            raise forms.ValidationError(f"{upload.name}: larger than 5 MB.")
        return upload.name, upload.read()
