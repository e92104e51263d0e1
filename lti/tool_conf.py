"""pylti1p3's view of our configuration, read from PlatformRegistration and ToolKey rows.

Every registration is looked up by (issuer, client id): a platform may register us more than once.
"""

from __future__ import annotations

from pylti1p3.deployment import Deployment
from pylti1p3.registration import Registration
from pylti1p3.tool_config.abstract import ToolConfAbstract

from .keys import tool_key_active
from .models import PlatformRegistration


class ToolRegistration(Registration):
    """pylti1p3 Registration that signs with our active key and names it by ``kid``."""

    _kid: str | None = None
    model: PlatformRegistration

    def get_kid(self) -> str | None:
        return self._kid


def registration_for(model: PlatformRegistration) -> ToolRegistration:
    key = tool_key_active()
    reg = ToolRegistration()
    reg.model = model
    reg._kid = key.kid
    (
        reg.set_issuer(model.issuer)
        .set_client_id(model.client_id)
        .set_auth_login_url(model.auth_login_url)
        .set_auth_token_url(model.auth_token_url)
        .set_key_set_url(model.key_set_url)
        .set_tool_private_key(key.private_key_pem)
    )
    if model.auth_audience:
        reg.set_auth_audience(model.auth_audience)
    return reg


class DatabaseToolConf(ToolConfAbstract):
    """Registrations from the database; an issuer may have many client ids."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def _model(self, iss: str, client_id: str | None) -> PlatformRegistration | None:
        qs = PlatformRegistration.objects.filter(issuer=iss, is_active=True)
        if client_id:
            return qs.filter(client_id=client_id).first()
        # OIDC login without client_id: unambiguous only when the issuer registered us once.
        models = list(qs[:2])
        return models[0] if len(models) == 1 else None

    def find_registration_by_issuer(self, iss, *args, **kwargs):
        model = self._model(iss, None)
        return registration_for(model) if model else None

    def find_registration_by_params(self, iss, client_id, *args, **kwargs):
        model = self._model(iss, client_id)
        return registration_for(model) if model else None

    def find_deployment(self, iss, deployment_id):
        return self.find_deployment_by_params(iss, deployment_id, None)

    def find_deployment_by_params(self, iss, deployment_id, client_id, *args, **kwargs):
        model = self._model(iss, client_id)
        if model is None or deployment_id not in [str(d) for d in model.deployment_ids]:
            return None
        return Deployment().set_deployment_id(deployment_id)
