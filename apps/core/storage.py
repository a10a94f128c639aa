"""Static files storage of production: whitenoise's compressed manifest storage, with each
file's URL computed once per process.

A `{% static %}` tag looks the name up in the manifest, cleans and quotes it and joins it
to STATIC_URL on every call; a page has a dozen of them. The manifest does not change
while the process runs (a deployment restarts it), so the answer for a name does not
either.
"""

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._urls: dict[str, str] = {}

    def url(self, name, force=False):
        if force:
            return super().url(name, force)
        found = self._urls.get(name)
        if found is None:
            found = self._urls[name] = super().url(name)
        return found
