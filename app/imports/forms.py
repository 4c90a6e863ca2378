from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField
from wtforms.validators import ValidationError

from .. import formatting
from ..i18n import gettext as _
from ..i18n import lazy_gettext as _l


class ImportForm(FlaskForm):
    file = FileField(_l("File (.xlsx or .csv)"), validators=[
        FileRequired(_l("Choose a file.")),
        FileAllowed(["xlsx", "csv"], _l("Only Excel workbooks (.xlsx) and CSV files (.csv).")),
    ])
    submit = SubmitField(_l("Import"))
    content: bytes = b""

    def validate_file(self, field):
        """Read the upload, up to the size limit (MAX_UPLOAD_MB); the bytes are kept in ``content``."""
        limit_mb = current_app.config["MAX_UPLOAD_MB"]
        limit = int(limit_mb * 1024 * 1024)
        content = field.data.read(limit + 1)
        if len(content) > limit:
            raise ValidationError(_("The file is larger than %(limit)s MB.", limit=formatting.megabytes(limit_mb)))
        if not content:
            raise ValidationError(_("The file is empty."))
        self.content = content
