from django.urls import path

from . import views, views_catalog, views_dossiers, views_filing, views_pwa

app_name = "portal"
urlpatterns = [
    path("", views_catalog.home, name="home"),
    path("tra-cuu/", views.lookup, name="lookup"),
    # Find
    path("thu-tuc/", views_catalog.catalog, name="catalog"),
    path("thu-tuc/<str:code>/", views_catalog.procedure, name="procedure"),
    # File online
    path("nop-ho-so/<str:code>/", views_filing.applicant, name="file"),
    path("nop-ho-so/<str:code>/giay-to/", views_filing.documents, name="file_documents"),
    path("nop-ho-so/<str:code>/xem-lai/", views_filing.review, name="file_review"),
    # Track
    path("ho-so-cua-toi/", views_dossiers.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<int:pk>/", views_dossiers.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<int:pk>/bien-nhan.pdf", views_dossiers.receipt, name="my_receipt"),
    path("ho-so-cua-toi/<int:pk>/tep/<int:doc_pk>/", views_dossiers.document,
         name="my_document"),
    path("ho-so-cua-toi/<int:pk>/bo-sung/", views_dossiers.answer_supplement,
         name="my_supplement"),
    path("ho-so-cua-toi/<int:pk>/thanh-toan/", views_dossiers.pay, name="my_pay"),
    path("ho-so-cua-toi/<int:pk>/rut/", views_dossiers.withdraw, name="my_withdraw"),
    # Installable web app (at the root: a worker's scope cannot be wider than its path).
    path("manifest.webmanifest", views_pwa.manifest, name="manifest"),
    path("sw.js", views_pwa.service_worker, name="sw"),
    path("ngoai-tuyen/", views_pwa.offline, name="offline"),
]
