from apps.core.scoped_views import ScopedListView

from .models import Member


class MemberListView(ScopedListView):
    model = Member
    permission_required = "members.view_member"
    template_name = "members/member_list.html"
