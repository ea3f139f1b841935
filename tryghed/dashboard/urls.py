from django.urls import path, re_path

from tryghed.dashboard import downloads, views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    re_path(r"^(?P<chart>trend|season)\.json$", views.chart_json, name="chart_json"),
    re_path(r"^(?P<chart>trend|season)\.csv$", views.chart_csv, name="chart_csv"),
    path("kommuner.csv", views.municipalities_csv, name="municipalities_csv"),
    path("kommuner.geojson", views.map_geojson, name="map"),
    path("aendring.csv", downloads.changes_csv, name="changes_csv"),
    path("noegletal.csv", downloads.tiles_csv, name="tiles_csv"),
    path("braendpunkter.csv", downloads.hotspots_csv, name="hotspots_csv"),
    path("braendpunkter.geojson", downloads.hotspots_map, name="hotspots_map"),
    path("tal.pdf", downloads.dashboard_pdf, name="pdf"),
]
