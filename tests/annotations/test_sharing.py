"""Who sees a highlight: Highlight.objects.visible_to / owned_by, reading groups,
Reply.objects.visible_to, and how revoking a share or leaving a group takes effect."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from annotations.models import Highlight, Membership, ReadingGroup, Reply, Role, Sharing

from .factories import make_group, make_highlight, share


def visible(user) -> set[int]:
    return set(Highlight.objects.visible_to(user).values_list("pk", flat=True))


def test_a_new_highlight_is_private_to_its_owner(alice, bob):
    highlight = make_highlight(alice)
    assert highlight.sharing == Sharing.PRIVATE
    assert visible(alice) == {highlight.pk}
    assert visible(bob) == set()


def test_anonymous_visitors_see_nothing_even_shared_with_the_library(alice):
    share(make_highlight(alice), Sharing.LIBRARY)
    assert visible(AnonymousUser()) == set()
    assert not Highlight.objects.owned_by(AnonymousUser()).exists()


def test_a_library_share_is_visible_to_every_reader(alice, bob, carol):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    assert visible(bob) == visible(carol) == {highlight.pk}


def test_a_group_share_is_visible_to_its_members_only(alice, bob, carol):
    group = make_group(alice, bob)
    make_group(carol, name="另一组")
    highlight = share(make_highlight(alice), Sharing.GROUP, group.pk)
    assert visible(bob) == {highlight.pk}
    assert visible(carol) == set()


def test_a_shared_highlight_appears_once_however_many_members(alice, bob, carol):
    group = make_group(alice, bob, carol)
    highlight = share(make_highlight(alice), Sharing.GROUP, group.pk)
    assert list(Highlight.objects.visible_to(alice).values_list("pk", flat=True)) == [highlight.pk]
    assert Highlight.objects.visible_to(bob).count() == 1


def test_owned_by_leaves_out_what_others_shared(alice, bob):
    share(make_highlight(alice), Sharing.LIBRARY)
    mine = make_highlight(bob)
    assert list(Highlight.objects.owned_by(bob)) == [mine]
    assert list(Highlight.objects.shared_with(bob).values_list("user", flat=True)) == [alice.pk]


def test_revoking_a_share_hides_it_at_once(alice, bob):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    assert visible(bob) == {highlight.pk}
    share(highlight, Sharing.PRIVATE)
    assert visible(bob) == set()


def test_a_removed_member_stops_seeing_the_groups_shares(alice, bob):
    group = make_group(alice, bob)
    share(make_highlight(alice), Sharing.GROUP, group.pk)
    group.remove(bob)
    assert visible(bob) == set()
    assert not ReadingGroup.objects.of(bob).exists()


def test_leaving_a_group_makes_what_you_shared_there_private(alice, bob):
    group = make_group(alice, bob)
    highlight = share(make_highlight(bob), Sharing.GROUP, group.pk)
    group.remove(bob)
    highlight.refresh_from_db()
    assert (highlight.sharing, highlight.group) == (Sharing.PRIVATE, None)
    assert visible(alice) == set()


def test_deleting_a_group_makes_its_shares_private(alice, bob):
    group = make_group(alice, bob)
    highlight = share(make_highlight(bob), Sharing.GROUP, group.pk)
    group.delete()
    highlight.refresh_from_db()
    assert (highlight.sharing, highlight.group_id) == (Sharing.PRIVATE, None)


def test_deleting_the_owners_account_deletes_the_group_and_unshares(alice, bob):
    group = make_group(alice, bob)
    highlight = share(make_highlight(bob), Sharing.GROUP, group.pk)
    alice.delete()
    highlight.refresh_from_db()
    assert highlight.sharing == Sharing.PRIVATE
    assert not ReadingGroup.objects.exists()


def test_the_owner_cannot_leave_their_group(alice):
    group = make_group(alice)
    with pytest.raises(ValidationError):
        group.remove(alice)


def test_one_cannot_share_with_a_group_one_is_not_in(alice, carol):
    others = make_group(carol)
    highlight = make_highlight(alice)
    with pytest.raises(ValidationError) as error:
        share(highlight, Sharing.GROUP, others.pk)
    assert "group" in error.value.message_dict
    highlight.refresh_from_db()
    assert highlight.sharing == Sharing.PRIVATE


def test_a_group_share_needs_a_group_and_only_it_has_one(alice):
    group = make_group(alice)
    highlight = make_highlight(alice)
    with pytest.raises(ValidationError):
        share(highlight, Sharing.GROUP, None)
    with pytest.raises(ValidationError):
        share(highlight, Sharing.LIBRARY, group.pk)


def test_the_database_ties_group_to_sharing(alice):
    group = make_group(alice)
    highlight = make_highlight(alice)
    with pytest.raises(IntegrityError), transaction.atomic():
        Highlight.objects.filter(pk=highlight.pk).update(sharing=Sharing.GROUP)
    with pytest.raises(IntegrityError), transaction.atomic():
        Highlight.objects.filter(pk=highlight.pk).update(group=group)


def test_sharing_raises_the_version(alice):
    highlight = make_highlight(alice)
    share(highlight, Sharing.LIBRARY)
    assert highlight.version == 2


def test_starting_a_group_makes_its_owner_a_member(alice):
    group = ReadingGroup.objects.start(owner=alice, name="周读")
    membership = Membership.objects.get(group=group)
    assert (membership.user, membership.role) == (alice, Role.OWNER)
    assert list(ReadingGroup.objects.of(alice)) == [group]


def test_a_reader_is_in_a_group_once(alice, bob):
    group = make_group(alice, bob)
    group.add(bob)
    assert group.memberships.count() == 2
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(group=group, user=bob)


def test_replies_are_visible_with_their_highlight(alice, bob):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    reply = highlight.replies.create(user=bob, body="同意")
    assert list(Reply.objects.visible_to(alice)) == [reply]
    assert list(Reply.objects.owned_by(bob)) == [reply]
    share(highlight, Sharing.PRIVATE)
    assert list(Reply.objects.visible_to(bob)) == []
    assert list(Reply.objects.owned_by(bob)) == []
    assert list(Reply.objects.visible_to(AnonymousUser())) == []


def test_the_author_is_named_never_by_email(alice):
    alice.email = "alice@example.com"
    alice.save()
    highlight = make_highlight(alice)
    assert highlight.to_dict()["author"] == "alice"
    alice.first_name, alice.last_name = "Alice", "Liddell"
    alice.save()
    assert Highlight.objects.get(pk=highlight.pk).author == "Alice Liddell"


def test_thread_rows_say_what_to_dict_says(alice, bob):
    highlight = share(make_highlight(alice), Sharing.LIBRARY)
    reply = highlight.replies.create(user=bob, body="**好** <script>x</script>")
    assert Reply.objects.filter(pk=reply.pk).thread_rows(bob) == [reply.to_dict(bob)]
    assert Reply.objects.all().thread_rows(alice)[0]["mine"] is False


def test_a_highlight_can_be_created_already_shared_and_never_silently_private(alice, bob):
    group = make_group(alice, bob)
    highlight = make_highlight(alice, sharing=Sharing.GROUP, group=group.pk)
    assert (highlight.sharing, highlight.group_id) == (Sharing.GROUP, group.pk)
    assert visible(bob) == {highlight.pk}
    with pytest.raises(ValidationError):
        make_highlight(bob, quote="技术", sharing=Sharing.GROUP, group=12345)
    with pytest.raises(TypeError):
        make_highlight(alice, quote="技术", shared=True)
