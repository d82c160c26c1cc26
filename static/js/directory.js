// "Use my location": the browser's position goes in a POST body (never a URL), so no
// access log or browser history keeps it. The page works without this file.
(function () {
  "use strict";
  var form = document.querySelector("[data-locate]");
  if (!form || !navigator.geolocation) return;
  var button = form.querySelector("[data-locate-button]");
  var status = form.querySelector("[data-locate-status]");
  form.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.dataset.waiting || "…";
    navigator.geolocation.getCurrentPosition(function (position) {
      form.querySelector("[name=lat]").value = position.coords.latitude.toFixed(2);
      form.querySelector("[name=lon]").value = position.coords.longitude.toFixed(2);
      status.textContent = "";
      form.submit();
    }, function () {
      status.textContent = button.dataset.failed || "";
    }, { maximumAge: 600000, timeout: 15000 });
  });
})();
