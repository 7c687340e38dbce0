import factory
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.models import Group

from portal.accounts.models import ExpertScope, User
from portal.organisations.models import Membership, Organisation

TEST_PASSWORD = "mot-de-passe-de-test-2026"
TEST_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    first_name = "Camille"
    last_name = factory.Sequence(lambda n: f"Testeur{n}")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create:
            self.save()
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)


def _with_role(user, role):
    user.groups.add(Group.objects.get_or_create(name=role)[0])
    user.__dict__.pop("roles", None)
    return user


def staff_user(role, *, totp=True, **kwargs):
    user = _with_role(UserFactory(**kwargs), role)
    if totp:
        TOTP.activate(user, TEST_TOTP_SECRET)
    user.__dict__.pop("has_totp", None)
    return user


def expert(*domains, **kwargs):
    user = staff_user("expert", **kwargs)
    for domain in domains:
        ExpertScope.objects.create(expert=user, domain=domain)
    return user


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Éditeur {n}")
    # Valid SIRENs (Luhn) built from a sequence.
    siren = factory.Sequence(lambda n: _luhn_complete(f"{10000000 + n:08d}"))
    street = "1 rue de la République"
    postal_code = "75001"
    city = "Paris"


def _luhn_complete(eight_digits: str) -> str:
    from portal.organisations.validators import luhn_is_valid

    return next(eight_digits + str(d) for d in range(10) if luhn_is_valid(eight_digits + str(d)))


def member_of(organisation, user):
    Membership.objects.create(organisation=organisation, user=user)
    user.__dict__.pop("organisation_ids", None)
    return user


def editor(organisation=None, **kwargs):
    user = _with_role(UserFactory(**kwargs), "editor")
    if organisation is not None:
        member_of(organisation, user)
    return user
