from django.contrib.auth.decorators import login_not_required

from tryghed.api.api import api, json_method_not_allowed

patterns, _ninja_app, _namespace = api.urls

app_name = "api"

# The API authenticates each request itself and answers 401, where the site-wide login
# middleware would redirect a script to an HTML login page. A method an address does not
# take is answered in the API's JSON as well.
urlpatterns = patterns
for pattern in urlpatterns:
    pattern.callback = login_not_required(json_method_not_allowed(pattern.callback))
