from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin with its site behind two-factor sign-in (accounts.admin_site); listed in
    INSTALLED_APPS instead of django.contrib.admin, so that `admin.site` is that site everywhere."""

    default_site = "accounts.admin_site.AdminSite"
