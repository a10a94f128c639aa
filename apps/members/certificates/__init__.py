"""会员证: the print-ready membership certificate (PDF) and its public verification.

pdf.py draws it with reportlab in the platform's own CJK font (apps.core.fonts); codes.py
makes the verification code printed on it; services.py issues and revokes certificates;
views.py serves the PDF to staff and the verification page to everyone.
"""
