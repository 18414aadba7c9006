from django.contrib import admin
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

urlpatterns = [
    path("admin/", admin.site.urls),
    path("ops/", include("onestop.ops.urls")),
    # The language switcher carries no CSRF token, so public pages are the same for every
    # visitor and can be cached whole; the worst a forged request can do is switch a
    # visitor's language, which they can switch back.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("backoffice/", include("onestop.backoffice.urls")),
    path("api/v1/", include("onestop.api.urls")),
    path("", include("onestop.api.partner_urls")),
    path("sandbox/", include("onestop.sandbox.urls")),
    path("postal/", include("onestop.postal.urls")),
    path("", include("onestop.portal.urls")),
]
# No /media/ route, not even in debug: every stored file is served by a view that checks who
# may see it and sends it so that no browser runs it (onestop/core/uploads.py).

# The platform's own translated error pages (onestop/templates/400|403|404|500.html).
handler400 = "onestop.core.error_pages.bad_request"
handler403 = "onestop.core.error_pages.permission_denied"
handler404 = "onestop.core.error_pages.page_not_found"
handler500 = "onestop.core.error_pages.server_error"
