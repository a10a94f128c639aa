from django import forms

from .models import Chamber, DictionaryItem


class ChamberForm(forms.ModelForm):
    # The version the editor loaded, for optimistic locking.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Chamber
        fields = ["name", "kind", "street", "founded", "active"]
        widgets = {"founded": forms.DateInput(attrs={"type": "date"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version


class DictionaryItemForm(forms.ModelForm):
    class Meta:
        model = DictionaryItem
        fields = ["kind", "code", "label", "order", "active"]
