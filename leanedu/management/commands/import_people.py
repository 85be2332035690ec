"""First steps: organisations and staff with roles from a spreadsheet."""

import csv
import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from leanedu.people_import import ImportProblems, import_people, write_template


class Command(BaseCommand):
    help = (
        "Create or update organisations and users with their roles from an XLSX file "
        "(sheets «Организации» and «Пользователи»; --template writes an example). "
        "Passwords of new users go to a CSV file readable only by you."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the XLSX file (or where to write the template)")
        parser.add_argument("--template", action="store_true", help="write an example file to fill in, then stop")
        parser.add_argument("--passwords", help="CSV for the new users' passwords (default: <file>.passwords.csv)")

    def handle(self, *args, file, template, passwords=None, **options):
        path = Path(file)
        if template:
            write_template(path)
            self.stdout.write(f"template written to {path}: fill it in, then run import_people {path}")
            return
        if not path.exists():
            raise CommandError(f"{path} does not exist (import_people {path} --template writes an example)")
        try:
            result = import_people(path)
        except ImportProblems as exc:
            raise CommandError("nothing was imported:\n" + "\n".join(exc.problems)) from None
        self.stdout.write(
            f"organisations: {result.organisations_created} created, {result.organisations_updated} updated; "
            f"users: {result.users_created} created; roles given: {result.memberships}"
        )
        if result.passwords:
            target = Path(passwords) if passwords else path.with_suffix(".passwords.csv")
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["username", "password"])
                writer.writerows(sorted(result.passwords.items()))
            self.stdout.write(
                f"passwords of the {len(result.passwords)} new users: {target} (mode 600; hand them over, then delete it)"
            )
