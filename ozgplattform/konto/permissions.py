"""DRF permission enforcing the scope of a personal API token."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from ozgplattform.models import ApiToken


class TokenScopePermission(BasePermission):
    """A token without ``schreibrecht`` may only read (GET, HEAD, OPTIONS).

    Requests authenticated otherwise (session) are not affected; what a user may do is
    decided by the view's other permissions (``ozgplattform.rechte``). Listed in
    ``DEFAULT_PERMISSION_CLASSES``; a view setting its own ``permission_classes`` must
    include it.
    """

    message = "Dieses Token erlaubt nur lesenden Zugriff."

    def has_permission(self, request, view) -> bool:
        if request.method in SAFE_METHODS:
            return True
        token = request.auth
        return not (isinstance(token, ApiToken) and not token.schreibrecht)
