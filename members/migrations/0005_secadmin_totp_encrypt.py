"""Second-factor secrets stored before encryption came in get encrypted (MFA_ENCRYPTION_KEY),
and nobody stays a Django superuser: the admin asks the permission predicates instead."""

from django.db import migrations


def encrypt_secrets(apps, schema_editor):
    from members.adapters import is_encrypted, reencrypt_authenticator_data

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all().iterator():
        values = [authenticator.data.get("secret"), authenticator.data.get("seed"),
                  *(authenticator.data.get("migrated_codes") or [])]
        if all(is_encrypted(v) for v in values if v):
            continue
        authenticator.data = reencrypt_authenticator_data(authenticator.type,
                                                          authenticator.data)
        authenticator.save(update_fields=["data"])


def decrypt_secrets(apps, schema_editor):
    from members.adapters import decrypt_secret

    Authenticator = apps.get_model("mfa", "Authenticator")
    for authenticator in Authenticator.objects.all().iterator():
        data = dict(authenticator.data)
        for field in ("secret", "seed"):
            if data.get(field):
                data[field] = decrypt_secret(data[field])
        if data.get("migrated_codes") is not None:
            data["migrated_codes"] = [decrypt_secret(c) for c in data["migrated_codes"]]
        authenticator.data = data
        authenticator.save(update_fields=["data"])


def no_superusers(apps, schema_editor):
    apps.get_model("members", "User").objects.filter(is_superuser=True).update(
        is_superuser=False)


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0004_data_version_triggers"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    operations = [
        migrations.RunPython(encrypt_secrets, decrypt_secrets),
        migrations.RunPython(no_superusers, migrations.RunPython.noop),
    ]
