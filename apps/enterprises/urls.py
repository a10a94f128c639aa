from .urls_imports import urlpatterns as imports
from .urls_quality import urlpatterns as quality
from .urls_records import urlpatterns as records

app_name = "enterprises"

urlpatterns = records + imports + quality
