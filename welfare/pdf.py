"""One function turns a print template into a PDF (WeasyPrint, Noto CJK fonts)."""

from flask import current_app, render_template


def render_pdf(template, **context):
    """Render a Jinja print template to PDF bytes."""
    from weasyprint import HTML

    html = render_template(template, **context)
    return HTML(string=html, base_url=current_app.static_folder).write_pdf()


