"""«Версия для слабовидящих»: settings kept in one cookie, switched by plain
forms (no JavaScript needed)."""

from __future__ import annotations

from dataclasses import dataclass

COOKIE_NAME = "a11y"
COOKIE_MAX_AGE = 365 * 24 * 3600
MAX_TEXT_STEP = 2


@dataclass(frozen=True)
class A11ySettings:
    enabled: bool = False
    text_step: int = 0  # 0 normal, 1 large, 2 larger
    contrast: bool = False
    hide_images: bool = False

    @classmethod
    def from_cookie(cls, value: str | None) -> A11ySettings:
        # Format "1:2:1:0" — enabled:text:contrast:images. Anything odd → defaults.
        try:
            enabled, text, contrast, images = (int(part) for part in (value or "").split(":"))
        except ValueError:
            return cls()
        return cls(
            enabled=bool(enabled),
            text_step=min(max(text, 0), MAX_TEXT_STEP),
            contrast=bool(contrast),
            hide_images=bool(images),
        )

    def to_cookie(self) -> str:
        return ":".join(str(int(v)) for v in (self.enabled, self.text_step, self.contrast, self.hide_images))

    @property
    def body_classes(self) -> str:
        if not self.enabled:
            return ""
        classes = ["a11y", f"a11y-text-{self.text_step}"]
        if self.contrast:
            classes.append("a11y-contrast")
        if self.hide_images:
            classes.append("a11y-no-images")
        return " ".join(classes)

    def apply(self, action: str) -> A11ySettings:
        """The settings after one button press; unknown actions change nothing."""
        from dataclasses import replace

        if action == "on":
            return A11ySettings(enabled=True, text_step=1, contrast=True, hide_images=False)
        if action == "off":
            return replace(self, enabled=False)
        if not self.enabled:
            return self
        match action:
            case "text-bigger":
                return replace(self, text_step=min(self.text_step + 1, MAX_TEXT_STEP))
            case "text-smaller":
                return replace(self, text_step=max(self.text_step - 1, 0))
            case "contrast-toggle":
                return replace(self, contrast=not self.contrast)
            case "images-toggle":
                return replace(self, hide_images=not self.hide_images)
        return self
