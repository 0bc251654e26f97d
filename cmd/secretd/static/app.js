// secretd's few scripts: logo fallback, reveal buttons and dialogs.
"use strict";

// A logo that cannot load gives way to the type's initials.
function logoFallback(img) {
  const fail = () => img.closest(".logo").classList.add("broken");
  if (img.complete && img.naturalWidth === 0) {
    fail();
  } else {
    img.addEventListener("error", fail);
  }
}

function csrfToken() {
  const field = document.querySelector("input[name=csrf]");
  return field ? field.value : "";
}

// Reveal shows a secret field. A stored value arrives masked: the first
// reveal asks the server for it, which the server audits.
async function reveal(button) {
  const input = document.getElementById("f-" + button.dataset.field);
  if (input.type === "text") {
    input.type = "password";
    button.textContent = "Reveal";
    return;
  }
  if (button.dataset.secret && !button.dataset.revealed) {
    const res = await fetch("/secrets/" + button.dataset.secret + "/reveal", {
      method: "POST",
      headers: { "X-CSRF-Token": csrfToken() },
      credentials: "same-origin",
    });
    if (!res.ok) {
      button.textContent = "Not allowed";
      button.disabled = true;
      return;
    }
    const values = await res.json();
    input.value = values[button.dataset.field] ?? "";
    button.dataset.revealed = "1";
  }
  input.type = "text";
  button.textContent = "Hide";
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll(".logo img").forEach(logoFallback);
  document.querySelectorAll("button.reveal").forEach((b) =>
    b.addEventListener("click", () => reveal(b)));
  document.querySelectorAll("[data-dialog]").forEach((b) =>
    b.addEventListener("click", () => document.getElementById(b.dataset.dialog).showModal()));
  document.querySelectorAll("[data-close]").forEach((b) =>
    b.addEventListener("click", () => document.getElementById(b.dataset.close).close()));
});
