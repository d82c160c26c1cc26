from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from chapters.models import PeerNetwork

from . import keys
from .sync import check_peer_address


class PeerForm(forms.Form):
    name = forms.CharField(label=_("Name of the network"), max_length=120)
    base_url = forms.URLField(
        label=_("Address of its directory"), max_length=200, assume_scheme="https",
        help_text=_("The start page of its deployment, e.g. https://chapters.example.org"))
    fingerprint = forms.CharField(
        label=_("Fingerprint of its key"), max_length=120,
        help_text=_("64 hexadecimal characters. Get it from the other network's admins "
                    "by a channel you trust (a call, in person), never from its website "
                    "alone."))

    def clean_base_url(self) -> str:
        url = self.cleaned_data["base_url"].rstrip("/")
        try:
            check_peer_address(url)
        except ValidationError:
            raise ValidationError(_("Give the address of its site, starting with https://."))
        if PeerNetwork.objects.filter(base_url=url).exists():
            raise ValidationError(_("This network is already a peer."))
        return url

    def clean_fingerprint(self) -> str:
        value = keys.normalized(self.cleaned_data["fingerprint"])
        if len(value) != 64 or any(c not in "0123456789abcdef" for c in value):
            raise ValidationError(_("A fingerprint is 64 hexadecimal characters (0-9, a-f)."))
        if value == keys.own_fingerprint():
            raise ValidationError(_("This is our own key's fingerprint."))
        return value
