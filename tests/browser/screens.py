"""What the admin-page browser tests share: the two screens of issue 13 and the sideways-
overflow measure (Wagtail's admin scrolls its main area, not the document: neither may
overflow sideways)."""

SIZES = {"phone": (390, 844), "desktop": (1366, 900)}
OVERFLOW = """() => [document.documentElement, document.querySelector('main')]
  .filter(Boolean).map(e => e.scrollWidth - e.clientWidth).reduce((a, b) => Math.max(a, b), 0)"""
