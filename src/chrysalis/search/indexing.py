"""Keeps the search index in step with content. Actions call these on commit."""
# Interface fixed for the first build; the search builder implements the bodies.


def index_post(post_id: int) -> None: ...


def index_comment(comment_id: int) -> None: ...


def index_person(user_id: int) -> None: ...


def index_space(space_id: int) -> None: ...


def unindex(kind: str, object_id: int) -> None: ...


def rebuild_index(progress: bool = False) -> dict: ...
