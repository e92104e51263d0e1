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
