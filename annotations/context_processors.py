from .reading import preferences_for


def reading(request):
    """`preferences`: the reader's theme and text size, which every page applies.

    Lazy: for a logged-in reader it costs one query, and only on pages that use it.
    """
    return {"preferences": lambda: preferences_for(request)}
