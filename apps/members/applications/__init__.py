"""入会申请: the public membership application, its review workflow (提交 → 初审 → 审批 →
入会 / 退回 / 驳回), the local captcha, upload checks and the applicant's status page.

Models live in apps/members/models_applications.py (imported by apps/members/models.py).
"""
