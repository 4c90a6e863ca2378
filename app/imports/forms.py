from flask import current_app
from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import SubmitField
from wtforms.validators import ValidationError


class ImportForm(FlaskForm):
    file = FileField("Bestand (.xlsx of .csv)", validators=[
        FileRequired("Kies een bestand."),
        FileAllowed(["xlsx", "csv"], "Alleen Excel-werkmappen (.xlsx) en CSV-bestanden (.csv)."),
    ])
    submit = SubmitField("Importeren")
    content: bytes = b""

    def validate_file(self, field):
        """Read the upload, up to the size limit (MAX_UPLOAD_MB); the bytes are kept in ``content``."""
        limit_mb = current_app.config["MAX_UPLOAD_MB"]
        limit = int(limit_mb * 1024 * 1024)
        content = field.data.read(limit + 1)
        if len(content) > limit:
            shown = str(limit_mb).replace(".", ",")
            raise ValidationError(f"Het bestand is groter dan {shown} MB.")
        if not content:
            raise ValidationError("Het bestand is leeg.")
        self.content = content
