// Parley admin panel: a little of our own script, and nothing needs it. It asks before a delete
// and lets the tenant menu switch tenants without its button.
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) event.preventDefault();
});
document.addEventListener("change", (event) => {
  const select = event.target;
  if (select.matches("select[data-navigate]") && select.value) window.location.assign(select.value);
});

// The widget settings' preview follows the form. Colours are set through the style object
// (allowed by the page's content security policy, unlike style attributes).
function contrastText(hex) {
  const value = hex.replace("#", "");
  const full = value.length === 3 ? value.split("").map((c) => c + c).join("") : value;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(full.slice(i, i + 2), 16) / 255)
    .map((v) => (v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4)));
  const luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (1.05 / (luminance + 0.05)) >= ((luminance + 0.05) / 0.05) ? "#ffffff" : "#111111";
}
function updatePreview() {
  const form = document.getElementById("widget-form");
  const preview = document.getElementById("widget-preview");
  if (!form || !preview) return;
  const value = (name) => (form.querySelector(`[data-preview="${name}"]`) || {}).value || "";
  const color = /^#[0-9a-fA-F]{3}([0-9a-fA-F]{3})?$/.test(value("color")) ? value("color") : "#1d56b3";
  for (const part of preview.querySelectorAll(".preview-header, .preview-launcher")) {
    part.style.background = color;
    part.style.color = contrastText(color);
  }
  preview.classList.toggle("left", value("position") === "left");
  preview.querySelector(".preview-title").textContent = value("title") || "Chat with us";
  preview.querySelector(".preview-greeting").textContent = value("greeting") || "Hi! How can I help?";
  const avatar = preview.querySelector(".preview-avatar");
  const url = value("avatar");
  avatar.hidden = !/^https?:\/\//.test(url);
  if (!avatar.hidden) avatar.src = url;
}
document.addEventListener("input", (event) => { if (event.target.closest("#widget-form")) updatePreview(); });
document.addEventListener("change", (event) => { if (event.target.closest("#widget-form")) updatePreview(); });
document.addEventListener("DOMContentLoaded", updatePreview);
