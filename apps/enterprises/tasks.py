from django_tasks import task


@task()
def ledger_quality_check() -> dict[str, int]:
    """Re-run the data-quality rules over the whole ledger (nightly).

    Imports and manual edits check their own rows at once; this catches what they
    cannot: a changed QUALITY_CHANGE_FACTOR, rows written around the services.
    """
    from .quality import quality_check_all

    return quality_check_all().as_dict()


@task()
def change_marks_compact() -> int:
    """Keep the list's data version one cheap sum (listcache.py)."""
    from .listcache import compact

    return compact()


@task()
def import_uploads_sweep() -> dict[str, int]:
    """Delete the files of imports nobody finished within a day (imports/sweep.py)."""
    from .imports.sweep import sweep_uploads

    return sweep_uploads()
