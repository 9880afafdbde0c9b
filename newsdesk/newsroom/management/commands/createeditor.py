"""``newsdesk createeditor USERNAME [--role editor|reporter] [--token]``."""

from __future__ import annotations

import secrets
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from newsdesk.newsroom.errors import NewsroomError
from newsdesk.newsroom.models import Journalist
from newsdesk.newsroom.services import journalist_create


class Command(BaseCommand):
    help = "Create a newsroom user (editor or reporter); with --token print an API token last."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", choices=Journalist.Role.values, default="editor")
        parser.add_argument("--password", help="Password (default: a random one, printed).")
        parser.add_argument("--name", default="", help="Byline name.")
        parser.add_argument("--email", default="")
        parser.add_argument("--token", action="store_true", help="Also create an API token.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        from newsdesk.api.services import token_create

        password = options["password"] or secrets.token_urlsafe(12)
        try:
            journalist = journalist_create(
                username=options["username"],
                password=password,
                role=options["role"],
                display_name=options["name"],
                email=options["email"],
            )
        except NewsroomError as error:
            raise CommandError(error.detail) from error
        self.stdout.write(f"Created {journalist.role} {journalist.user.username!r}.")
        if not options["password"]:
            self.stdout.write(f"Password: {password}")
        if options["token"]:
            _, raw = token_create(user=journalist.user, name="createeditor")
            self.stdout.write("API token (shown once; send it as 'Authorization: Bearer <token>'):")
            self.stdout.write(raw)
