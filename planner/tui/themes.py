"""Themes: Textual's own, the terminal's palette, and two high-contrast ones."""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = Theme(
    name="planner-high-contrast",
    primary="#FFFF00",
    secondary="#00FFFF",
    accent="#FFFF00",
    warning="#FFB000",
    error="#FF6060",
    success="#00FF00",
    foreground="#FFFFFF",
    background="#000000",
    surface="#000000",
    panel="#202020",
    boost="#303030",
    dark=True,
    text_alpha=1.0,
    variables={
        "block-cursor-background": "#FFFF00",
        "block-cursor-foreground": "#000000",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#606060",
        "block-cursor-blurred-foreground": "#FFFFFF",
        "footer-key-foreground": "#FFFF00",
        "footer-description-foreground": "#FFFFFF",
        "input-selection-background": "#0000FF",
        "text-muted": "#C0C0C0",
    },
)

HIGH_CONTRAST_LIGHT = Theme(
    name="planner-high-contrast-light",
    primary="#0000B0",
    secondary="#004000",
    accent="#0000B0",
    warning="#804000",
    error="#B00000",
    success="#005000",
    foreground="#000000",
    background="#FFFFFF",
    surface="#FFFFFF",
    panel="#E0E0E0",
    boost="#D0D0D0",
    dark=False,
    text_alpha=1.0,
    variables={
        "block-cursor-background": "#0000B0",
        "block-cursor-foreground": "#FFFFFF",
        "block-cursor-text-style": "bold",
        "block-cursor-blurred-background": "#B0B0B0",
        "block-cursor-blurred-foreground": "#000000",
        "footer-key-foreground": "#0000B0",
        "footer-description-foreground": "#000000",
        "text-muted": "#303030",
    },
)

PLANNER_THEMES = (HIGH_CONTRAST, HIGH_CONTRAST_LIGHT)

# What the theme picker offers, in order, with words an officer would use.
THEME_CHOICES: tuple[tuple[str, str], ...] = (
    ("textual-dark", "Dark (default)"),
    ("textual-light", "Light"),
    ("planner-high-contrast", "High contrast, dark"),
    ("planner-high-contrast-light", "High contrast, light"),
    ("ansi-dark", "Terminal colours, dark"),
    ("ansi-light", "Terminal colours, light"),
)
DEFAULT_THEME = "textual-dark"
