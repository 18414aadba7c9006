"""Every staff page, mounted at /backoffice/ (the paths are the ones staff have bookmarked)."""

from django.urls import path, re_path

from .views import (
    apologies,
    auth,
    billing,
    community,
    community_app,
    dossiers,
    feedback,
    guide,
    intake,
    markets,
    notifications,
    payments,
    queue,
    reconciliation,
    scorecard,
)

app_name = "backoffice"
urlpatterns = [
    path("", queue.queue, name="home"),
    path("login/", auth.StaffLoginView.as_view(), name="login"),
    path("logout/", auth.StaffLogoutView.as_view(), name="logout"),
    path("thong-bao/", notifications.feed, name="notifications"),
    path("thong-bao/<int:pk>/", notifications.open_notification, name="notification_open"),
    # Dossiers
    path("intake/", intake.intake_start, name="intake"),
    path("intake/<int:version_pk>/", intake.intake_details, name="intake_details"),
    path("dossiers/<int:pk>/", dossiers.dossier_detail, name="dossier"),
    path("dossiers/<int:pk>/act/<slug:action>/", dossiers.dossier_act, name="dossier_act"),
    path("dossiers/<int:pk>/documents/<int:doc_pk>/", dossiers.dossier_document,
         name="dossier_document"),
    re_path(r"^dossiers/(?P<pk>\d+)/forms/(?P<form>receipt|supplement|refusal|apology|stop|control)"
            r"\.pdf$", dossiers.dossier_form_pdf, name="dossier_form"),
    path("dossiers/<int:pk>/fees/", payments.dossier_fees, name="dossier_fees"),
    path("apologies/", apologies.apologies, name="apologies"),
    path("apologies/<int:pk>/<slug:action>/", apologies.apology_act, name="apology_act"),
    # Payments
    path("payments/", payments.payment_list, name="payments"),
    path("payments/refunds/", payments.refund_list, name="refunds"),
    path("payments/refunds/<int:pk>/<slug:action>/", payments.refund_decide,
         name="refund_decide"),
    path("payments/reconciliation/", reconciliation.run_list, name="reconciliation"),
    path("payments/reconciliation/<int:pk>/", reconciliation.run_detail,
         name="reconciliation_run"),
    path("payments/reconciliation/lines/<int:pk>/resolve/", reconciliation.line_resolve,
         name="reconciliation_resolve"),
    path("payments/<str:reference>/", payments.payment_detail, name="payment"),
    # Feedback (PAKN) and ratings
    path("phan-anh/", feedback.queue, name="feedback_queue"),
    path("phan-anh/<int:pk>/", feedback.detail, name="feedback"),
    path("phan-anh/<int:pk>/<slug:action>/", feedback.act, name="feedback_act"),
    path("danh-gia/", feedback.ratings, name="ratings"),
    # Bills and markets
    path("billing/", billing.biller_list, name="billers"),
    path("billing/<int:pk>/", billing.biller_detail, name="biller"),
    path("markets/", markets.market_list, name="markets"),
    path("markets/<int:pk>/", markets.market_detail, name="market"),
    path("markets/<int:pk>/totals.csv", markets.market_csv, name="market_csv"),
    path("markets/<int:pk>/qr.pdf", markets.market_qr_sheet, name="market_qr_sheet"),
    # The city guide (issue 20): reviews, places, traffic sources
    path("cam-nang/", guide.review, name="guide"),
    path("cam-nang/<slug:kind>/<int:pk>/", guide.review_act, name="guide_act"),
    path("cam-nang/dia-diem/", guide.place_list, name="guide_places"),
    path("cam-nang/dia-diem/<int:pk>/trang-thai/", guide.place_state, name="guide_place_state"),
    path("cam-nang/nguon-tin/", guide.sources, name="guide_sources"),
    # Community digital teams (issue 12)
    path("community/", community.overview, name="community"),
    path("community/c/<str:code>/", community.commune, name="community_commune"),
    path("community/c/<str:code>/households/", community.households_set,
         name="community_households"),
    path("community/teams/<int:pk>/", community.team, name="community_team"),
    path("community/teams/import/", community.teams_import, name="community_teams_import"),
    path("community/campaigns/", community.campaigns, name="community_campaigns"),
    re_path(r"^community/export/(?P<table>coverage|teams)\.(?P<fmt>csv|xlsx)$",
            community.export, name="community_export"),
    path("community/campaigns/<int:pk>/", community.campaign, name="community_campaign"),
    # The members' installable visit app (works offline; signs in with an API token)
    path("community/app/", community_app.app, name="community_app"),
    path("community/app/sw.js", community_app.app_worker, name="community_app_sw"),
    path("community/app/manifest.webmanifest", community_app.app_manifest,
         name="community_app_manifest"),
    # Scorecard (Decision 766 service index, DTI, targets)
    path("scorecard/", scorecard.dashboard, name="scorecard"),
    path("scorecard/u/<int:unit_id>/", scorecard.unit_page, name="scorecard_unit"),
    path("scorecard/u/<int:unit_id>/p/<int:procedure_id>/", scorecard.late,
         name="scorecard_late"),
    path("scorecard/dti/", scorecard.dti_page, name="scorecard_dti"),
    path("scorecard/manage/", scorecard.manage, name="scorecard_manage"),
    path("scorecard/values/<int:pk>/evidence/", scorecard.evidence_file,
         name="scorecard_evidence"),
    path("scorecard/refresh/", scorecard.refresh_now, name="scorecard_refresh"),
    re_path(r"^scorecard/export/(?P<table>[a-z]+)\.(?P<fmt>csv|xlsx)$", scorecard.export_table,
            name="scorecard_export"),
]
