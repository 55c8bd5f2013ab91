"""One function turns a print template into a PDF (WeasyPrint, Noto CJK fonts)."""

from flask import current_app, render_template


def render_pdf(template, resources=None, **context):
    """Render a Jinja print template to PDF bytes. `resources` ({name: bytes}) are images
    the template refers to as `mem:name`, so large data need not be inlined in the HTML."""
    html = render_template(template, **context)
    return html_to_pdf(html, current_app.static_folder, resources)


def html_to_pdf(html, base_url, resources=None):
    """PDF bytes for rendered HTML (needs no app: worker processes call it)."""
    from weasyprint import HTML

    fetcher = _memory_fetcher(resources) if resources else None
    return HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf()


def _memory_fetcher(resources):
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class MemoryFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("mem:"):
                name = url[4:]
                kind = "image/svg+xml" if name.endswith(".svg") else "image/png"
                return URLFetcherResponse(url, resources[name], {"Content-Type": kind})
            return super().fetch(url, headers)

    return MemoryFetcher()
