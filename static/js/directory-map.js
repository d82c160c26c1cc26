// The map of chapters: a vendored world outline (works offline), chapters from the API as
// markers, and online tiles only when the deployment configures them.
(function () {
  "use strict";
  var element = document.getElementById("chapter-map");
  if (!element || !window.L) return;
  var map = L.map(element, { worldCopyJump: true, minZoom: 1 }).setView([30, 0], 2);
  var tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: element.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
  } else {
    fetch(element.dataset.landUrl).then(function (r) { return r.json(); }).then(function (land) {
      var outline = topojson.feature(land, land.objects.land);
      L.geoJSON(outline, {
        interactive: false,
        style: { color: "#6b6b6b", weight: 1, fillColor: "#e8e4dc", fillOpacity: 1 }
      }).addTo(map).bringToBack();
    });
  }
  var layer = L.geoJSON(null, {
    filter: function (feature) { return feature.geometry !== null; },
    pointToLayer: function (feature, latlng) {
      var active = feature.properties.status === "active";
      return L.circleMarker(latlng, {
        radius: 7, weight: 2, color: "#7a1f1f", fillColor: active ? "#c0392b" : "#f0b27a",
        fillOpacity: 0.9
      });
    },
    onEachFeature: function (feature, marker) {
      var link = document.createElement("a");
      link.href = feature.properties.url;
      link.textContent = feature.properties.name;
      var box = document.createElement("div");
      box.appendChild(link);
      var place = document.createElement("div");
      place.textContent = [feature.properties.city, feature.properties.country].filter(Boolean).join(", ");
      box.appendChild(place);
      marker.bindPopup(box);
      marker.bindTooltip(feature.properties.name);
    }
  }).addTo(map);
  // The API answers a page at a time: follow the "next" links until every chapter is on.
  function load(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (page) {
        layer.addData(page);
        var next = (page.links || []).filter(function (l) { return l.rel === "next"; })[0];
        return next ? load(next.href) : null;
      });
  }
  var first = element.dataset.chaptersUrl;
  load(first + (first.indexOf("?") < 0 ? "?" : "&") + "limit=1000").then(function () {
    if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { padding: [20, 20], maxZoom: 6 });
  });
})();
