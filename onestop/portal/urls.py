"""Every citizen page, at the site root with Vietnamese paths.

The paths are public and printed (receipt QR codes, payment links sent by SMS, bank
transfer instructions): never change one.
"""

from django.urls import path, re_path

from .views import (
    accounts,
    bills,
    businesses,
    catalog,
    dossiers,
    eid,
    feedback,
    filing,
    guide,
    help,
    lookup,
    notifications,
    payments,
    pwa,
    transparency,
    verify,
)

app_name = "portal"
urlpatterns = [
    path("", catalog.home, name="home"),
    path("tra-cuu/", lookup.lookup, name="lookup"),
    path("xac-thuc/", verify.verify, name="verify"),
    path("tro-giup/", help.help_page, name="help"),
    # Find
    path("thu-tuc/", catalog.catalog, name="catalog"),
    path("thu-tuc/goi-y/", catalog.suggest, name="suggest"),
    path("thu-tuc/<str:code>/", catalog.procedure, name="procedure"),
    path("thu-tuc/<str:code>/mau/<int:document_id>/", catalog.blank_form, name="blank_form"),
    # File online
    path("nop-ho-so/<str:code>/", filing.applicant, name="file"),
    path("nop-ho-so/<str:code>/to-khai/", filing.declaration, name="file_declaration"),
    path("nop-ho-so/<str:code>/giay-to/", filing.documents, name="file_documents"),
    path("nop-ho-so/<str:code>/xem-lai/", filing.review, name="file_review"),
    # Track
    path("ho-so-cua-toi/", dossiers.my_dossiers, name="my_dossiers"),
    path("ho-so-cua-toi/<int:pk>/", dossiers.my_dossier, name="my_dossier"),
    path("ho-so-cua-toi/ban-nhap/<int:pk>/xoa/", dossiers.delete_draft, name="delete_draft"),
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
    # Rate and send feedback (PAKN)
    path("danh-gia/<int:dossier_pk>/", feedback.rate, name="rate"),
    path("phan-anh/", feedback.public_list, name="feedback"),
    path("phan-anh/gui/", feedback.send, name="feedback_send"),
    path("phan-anh/da-gui/", feedback.sent, name="feedback_sent"),
    path("phan-anh/tra-cuu/", feedback.lookup, name="feedback_lookup"),
    # Bills
    path("hoa-don/", bills.lookup, name="bills"),
    path("hoa-don/<int:pk>/thanh-toan/", bills.pay, name="bill_pay"),
    # The city guide: places, OCOP products, traffic, tax
    path("cam-nang/", guide.guide_home, name="guide"),
    path("dia-diem/", guide.places, name="places"),
    path("dia-diem/ban-do/", guide.places_map, name="places_map"),
    re_path(r"^dia-diem/xuat\.(?P<fmt>geojson|csv)$", guide.places_export, name="places_export"),
    path("dia-diem/<int:pk>/", guide.place, name="place"),
    path("dia-diem/<int:pk>/de-nghi-sua/", guide.place_suggest, name="place_suggest"),
    path("ocop/", guide.ocop, name="ocop"),
    re_path(r"^ocop/feed\.(?P<fmt>json|csv)$", guide.ocop_feed, name="ocop_feed"),
    path("ocop/<int:pk>/", guide.ocop_product, name="ocop_product"),
    path("ocop/cua-toi/", guide.ocop_mine, name="ocop_mine"),
    path("giao-thong/", guide.traffic, name="traffic"),
    path("giao-thong/bao-tin/", guide.traffic_report, name="traffic_report"),
    path("thue/", guide.tax, name="tax"),
    # Transparency: the service index, public
    path("minh-bach/", transparency.transparency, name="transparency"),
    re_path(r"^minh-bach/so-lieu\.(?P<fmt>csv|xlsx)$", transparency.transparency_export,
            name="transparency_export"),
    # The citizen's account: sign-up, sign-in (password or e-ID), password reset
    path("tai-khoan/dang-ky/", accounts.sign_up, name="sign_up"),
    path("tai-khoan/dang-nhap/", accounts.CitizenLoginView.as_view(), name="login"),
    path("tai-khoan/dang-xuat/", accounts.CitizenLogoutView.as_view(), name="logout"),
    path("tai-khoan/quen-mat-khau/", accounts.CitizenPasswordResetView.as_view(),
         name="password_reset"),
    path("tai-khoan/quen-mat-khau/da-gui/", accounts.CitizenPasswordResetDoneView.as_view(),
         name="password_reset_done"),
    path("tai-khoan/dat-lai-mat-khau/<uidb64>/<token>/",
         accounts.CitizenPasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("tai-khoan/dat-lai-mat-khau/xong/", accounts.CitizenPasswordResetCompleteView.as_view(),
         name="password_reset_complete"),
    path("tai-khoan/doanh-nghiep/", businesses.my_businesses, name="businesses"),
    path("tai-khoan/doanh-nghiep/them/", businesses.business_add, name="business_add"),
    path("tai-khoan/doanh-nghiep/<int:pk>/xoa/", businesses.business_remove,
         name="business_remove"),
    path("tai-khoan/e-id/", eid.eid_start, name="eid_start"),
    path("tai-khoan/e-id/callback/", eid.eid_callback, name="eid_callback"),
    # The national account (Cổng Dịch vụ công quốc gia / VNeID), docs/national.md
    path("tai-khoan/dvcqg/", eid.national_start, name="national_signin_start"),
    path("tai-khoan/dvcqg/callback/", eid.national_callback,
         name="national_signin_callback"),
    # The citizen's notifications and channel choices
    path("tai-khoan/thong-bao/", notifications.preferences, name="notifications"),
    # Installable web app (at the root: a worker's scope cannot be wider than its path).
    path("manifest.webmanifest", pwa.manifest, name="manifest"),
    path("sw.js", pwa.service_worker, name="sw"),
    path("ngoai-tuyen/", pwa.offline, name="offline"),
]
