from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("backoffice/", include("onestop.backoffice.urls")),
    path("api/v1/", include("onestop.api.urls")),
    path("tai-khoan/e-id/", include("onestop.accounts.oidc_urls")),
    path("tai-khoan/thong-bao/", include("onestop.notifications.urls")),
    path("tai-khoan/", include("onestop.accounts.urls")),
    path("", include("onestop.feedback.urls")),
    path("", include("onestop.payments.urls")),
    path("", include("onestop.portal.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
