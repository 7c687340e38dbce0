"""The OpenAPI description's view (/api/v1/schema/), in a module of its own: drf-spectacular's
generator weighs ≈ 10 MB of memory, which a web worker pays only once it serves the schema or the
API's documentation page (catalogue/api/urls.py imports this module on the first such request)."""

from drf_spectacular.renderers import OpenApiJsonRenderer, OpenApiYamlRenderer
from drf_spectacular.views import SpectacularAPIView

from .views import ConditionalGetMixin


class ServiceSchema(ConditionalGetMixin, SpectacularAPIView):
    """The OpenAPI 3 description: JSON by default, YAML with `?format=yaml`."""

    renderer_classes = [OpenApiJsonRenderer, OpenApiYamlRenderer]

    def last_modified(self):
        return None  # it changes with the code only: the ETag says when
