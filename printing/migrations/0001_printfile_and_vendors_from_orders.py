"""The printing app takes over vendors, routing and the print fields of order lines.

``Vendor`` and ``ProductRoute`` move in the migration state only: they keep
their tables (``orders_vendor``, ``orders_vendor_users``,
``orders_productroute``) and rows, and their content types (with the
permissions granted on them) move to this app. Each order line's print
fields are copied into a new ``PrintFile`` row before
``orders.0004_print_fields_move_to_printing`` drops them (``run_before``, so
``orders`` never depends on this app). Reversible.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

import printing.models
import shop.storage

PRINT_FIELDS = {
    # PrintFile field: OrderLine field (orders 0003)
    "vendor_id": "vendor_id",
    "status": "print_status",
    "error": "print_error",
    "preflight": "preflight",
    "sha256": "print_sha256",
    "rendered_at": "print_rendered_at",
    "upscale_key": "upscale_key",
    "upscale_factor": "upscale_factor",
}
FILE_FIELDS = {"file": "print_file", "upscaled_image": "upscaled_image"}
MOVED_MODELS = ["vendor", "productroute"]


def copy_print_fields(apps, schema_editor):  # type: ignore[no-untyped-def]
    """One ``PrintFile`` per line that was routed or rendered, with its values as they were."""
    OrderLine = apps.get_model("orders", "OrderLine")
    PrintFile = apps.get_model("printing", "PrintFile")
    lines = OrderLine.objects.exclude(print_status="not_started", vendor__isnull=True)
    PrintFile.objects.bulk_create(
        [
            PrintFile(
                line_id=line.pk,
                **{new: getattr(line, old) for new, old in PRINT_FIELDS.items()},
                **{new: getattr(line, old).name for new, old in FILE_FIELDS.items()},
            )
            for line in lines.iterator()
        ],
        batch_size=500,
    )


def copy_print_fields_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    OrderLine = apps.get_model("orders", "OrderLine")
    PrintFile = apps.get_model("printing", "PrintFile")
    for print_file in PrintFile.objects.iterator():
        values = {old: getattr(print_file, new) for new, old in PRINT_FIELDS.items()}
        values.update({old: getattr(print_file, new).name for new, old in FILE_FIELDS.items()})
        if values["print_status"] == "rerendering":  # unknown before; its good file is in place
            values["print_status"] = "ready"
        OrderLine.objects.filter(pk=print_file.line_id).update(**values)


def move_content_types(apps, schema_editor, source="orders", target="printing"):  # type: ignore[no-untyped-def]
    """Permissions and admin log entries follow the models (their content types move)."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED_MODELS:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(
                app_label=target
            )


def move_content_types_back(apps, schema_editor):  # type: ignore[no-untyped-def]
    move_content_types(apps, schema_editor, source="printing", target="orders")


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("catalog", "0002_mockup_templates_and_pages"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("orders", "0003_print_files"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]
    run_before = [("orders", "0004_print_fields_move_to_printing")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Vendor",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("name", models.CharField(max_length=120)),
                        ("slug", models.SlugField(unique=True)),
                        ("email", models.EmailField(help_text="Where new-order notifications go.", max_length=254)),
                        ("is_active", models.BooleanField(default=True)),
                        ("users", models.ManyToManyField(blank=True, related_name="vendors", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={"db_table": "orders_vendor", "ordering": ["name"]},
                ),
                migrations.CreateModel(
                    name="ProductRoute",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("product", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="catalog.product")),
                        ("vendor", models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="routes", to="printing.vendor")),
                    ],
                    options={"db_table": "orders_productroute"},
                ),
            ],
            database_operations=[],
        ),
        migrations.CreateModel(
            name="PrintFile",
            fields=[
                ("line", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name="printfile", serialize=False, to="orders.orderline")),
                ("status", models.CharField(choices=[("not_started", "Not started"), ("rendering", "Rendering"), ("ready", "Ready"), ("rerendering", "Ready, re-rendering"), ("failed", "Failed")], default="not_started", max_length=20)),
                ("file", models.FileField(blank=True, storage=shop.storage.private_storage, upload_to=printing.models.print_file_path)),
                ("error", models.CharField(blank=True, help_text="Why the last render failed (or was not kept).", max_length=300)),
                ("preflight", models.JSONField(blank=True, default=dict)),
                ("sha256", models.CharField(blank=True, max_length=64)),
                ("rendered_at", models.DateTimeField(blank=True, null=True)),
                ("upscaled_image", models.FileField(blank=True, storage=shop.storage.private_storage, upload_to=printing.models.print_file_path)),
                ("upscale_key", models.CharField(blank=True, help_text="Digest of what the upscaled image was made from.", max_length=64)),
                ("upscale_factor", models.FloatField(blank=True, help_text="Real super-resolution factor applied (RDN passes).", null=True)),
                ("vendor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name="print_files", to="printing.vendor")),
            ],
            options={"ordering": ["pk"]},
        ),
        migrations.CreateModel(
            name="PrintFileEvent",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("from_status", models.CharField(max_length=20)),
                ("to_status", models.CharField(max_length=20)),
                ("note", models.TextField(blank=True)),
                ("created_at", models.DateTimeField(auto_now_add=True)),
                ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to=settings.AUTH_USER_MODEL)),
                ("print_file", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="events", to="printing.printfile")),
            ],
            options={"ordering": ["created_at", "pk"]},
        ),
        migrations.RunPython(copy_print_fields, copy_print_fields_back),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
