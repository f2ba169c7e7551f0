"""Print fields of order lines, vendors and routing now belong to the printing app.

``printing.0001_printfile_and_vendors_from_orders`` runs before this one
(its ``run_before``) and copies each line's print fields into a
``PrintFile``; here they are dropped. ``Vendor`` and ``ProductRoute`` leave
this app's migration state only: their tables and rows stay, owned by
printing.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0003_print_files"),
    ]

    operations = [
        *[
            migrations.RemoveField(model_name="orderline", name=name)
            for name in (
                "vendor",
                "preflight",
                "print_error",
                "print_file",
                "print_rendered_at",
                "print_sha256",
                "print_status",
                "upscale_factor",
                "upscale_key",
                "upscaled_image",
            )
        ],
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="ProductRoute"),
                migrations.DeleteModel(name="Vendor"),
            ],
            database_operations=[],
        ),
    ]
