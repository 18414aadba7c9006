"""Every citizen page, at the site root with Vietnamese paths.

The paths are public and printed (receipt QR codes, payment links sent by SMS, bank
transfer instructions): never change one.
"""

from django.urls import path

from .views import catalog, dossiers, filing, lookup, payments, pwa

app_name = "portal"
urlpatterns = [
    path("", catalog.home, name="home"),
    path("tra-cuu/", lookup.lookup, name="lookup"),
    # Find
    path("thu-tuc/", catalog.catalog, name="catalog"),
    path("thu-tuc/<str:code>/", catalog.procedure, name="procedure"),
    # File online
    path("nop-ho-so/<str:code>/", filing.applicant, name="file"),
    path("nop-ho-so/<str:code>/giay-to/", filing.documents, name="file_documents"),
    path("nop-ho-so/<str:code>/xem-lai/", filing.review, name="file_review"),
    # Track
    path("ho-so-cua-toi/", dossiers.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<int:pk>/", dossiers.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/<int:pk>/bien-nhan.pdf", dossiers.receipt, name="my_receipt"),
    path("ho-so-cua-toi/<int:pk>/tep/<int:doc_pk>/", dossiers.document, name="my_document"),
    path("ho-so-cua-toi/<int:pk>/bo-sung/", dossiers.answer_supplement, name="my_supplement"),
    path("ho-so-cua-toi/<int:pk>/thanh-toan/", dossiers.pay, name="my_pay"),
    path("ho-so-cua-toi/<int:pk>/rut/", dossiers.withdraw, name="my_withdraw"),
    # Pay (a payment link works for whoever holds the reference)
    path("thanh-toan/<str:reference>/", payments.pay, name="pay"),
    path("thanh-toan/<str:reference>/ket-qua/", payments.gateway_return, name="pay_return"),
    path("thanh-toan/<str:reference>/bien-lai/<str:number>.pdf", payments.receipt_pdf,
         name="receipt_pdf"),
    # Installable web app (at the root: a worker's scope cannot be wider than its path).
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="sw"),
    path("ngoai-tuyen/", pwa.offline, name="offline"),
]
