// Small behaviours that make plain forms smoother. Pages work without this file.
(function () {
  "use strict";
  // Language switcher: change on select, the button stays for people without JavaScript.
  document.addEventListener("change", function (event) {
    var select = event.target.closest("[data-autosubmit]");
    if (select && select.form) select.form.requestSubmit();
  });
  // Send the CSRF token with htmx requests.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (token) event.detail.headers["X-CSRFToken"] = token.value;
  });
  // Onboarding: remember the viewer's time zone so session times show in it too.
  try {
    var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone && document.cookie.indexOf("tz=" + encodeURIComponent(zone)) === -1) {
      document.cookie = "tz=" + encodeURIComponent(zone) + "; path=/; max-age=31536000; SameSite=Lax";
    }
  } catch (error) { /* no Intl: times stay in the chapter's zone and UTC */ }
})();
// A long list of checkboxes (a chapter's languages) gets a box that filters it as you type.
(function () {
  "use strict";
  function fold(text) {
    return text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  function enhance(list) {
    if (list.querySelector(".checkbox-filter-search")) return;
    var options = list.querySelectorAll(".checkbox-option");
    var id = (list.querySelector("input") || {}).name + "-filter";
    var wrap = document.createElement("div");
    wrap.className = "checkbox-filter-search";
    var label = document.createElement("label");
    label.htmlFor = id;
    label.textContent = list.getAttribute("data-filter-label") || "";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    wrap.appendChild(label);
    wrap.appendChild(input);
    list.insertBefore(wrap, list.querySelector(".checkbox-filter-options"));
    input.addEventListener("input", function () {
      var wanted = fold(input.value.trim());
      options.forEach(function (option) {
        var box = option.querySelector("input");
        var shown = !wanted || box.checked || fold(option.textContent).indexOf(wanted) !== -1;
        option.hidden = !shown;
      });
    });
    // Enter in the filter box must not submit the whole form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") event.preventDefault();
    });
  }
  function enhanceAll() {
    document.querySelectorAll("[data-filter-list]").forEach(enhance);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", enhanceAll);
  } else {
    enhanceAll();
  }
})();
