// The map of chapters: a vendored world outline (works offline), chapters from the API as
// markers coloured by status (the legend under the map names them), clustered where they
// overlap, and online tiles only when the deployment configures them.
//
// Names come from people: every tooltip, popup and label is built from DOM nodes with
// textContent. Leaflet inserts a *string* given to bindTooltip or bindPopup as HTML.
(function () {
  "use strict";
  var element = document.getElementById("chapter-map");
  if (!element || !window.L) return;
  var map = L.map(element, { worldCopyJump: true, minZoom: 1, maxZoom: 18 }).setView([30, 0], 2);
  var tileUrl = element.dataset.tileUrl;
  if (tileUrl) {
    L.tileLayer(tileUrl, { attribution: element.dataset.tileAttribution || "", maxZoom: 18 }).addTo(map);
  } else {
    fetch(element.dataset.landUrl).then(function (r) { return r.json(); }).then(function (land) {
      var outline = topojson.feature(land, land.objects.land);
      L.geoJSON(flatWorld(outline), {
        interactive: false,
        style: { stroke: false, fillColor: "#e8e4dc", fillOpacity: 1 }
      }).addTo(map).bringToBack();
    });
  }

  // The outline is drawn on a flat map: a ring that crosses the antimeridian (Chukotka,
  // Wrangel Island, Fiji) jumps from 180 to -180, and drawn as it is, that jump is a stray
  // line across the whole world with the land around it filled inside out. Unwrap those
  // longitudes so the ring runs on past 180. Antarctica's ring goes round the pole and
  // cannot be unwrapped: it is kept, unstroked. Each polygon is drawn in three copies of the
  // world, as tiles repeat, so a wide screen at world zoom shows land on either side.
  function unwrap(ring) {
    var out = [], shift = 0, previous = null;
    ring.forEach(function (point) {
      var lon = point[0] + shift;
      if (previous !== null && lon - previous > 180) { shift -= 360; lon -= 360; }
      else if (previous !== null && lon - previous < -180) { shift += 360; lon += 360; }
      out.push([lon, point[1]]);
      previous = lon;
    });
    return out;
  }
  function shifted(polygon, by) {
    return polygon.map(function (ring) {
      return ring.map(function (point) { return [point[0] + by, point[1]]; });
    });
  }
  function flatWorld(collection) {
    var polygons = [];
    (collection.features || [collection]).forEach(function (feature) {
      var geometry = feature.geometry || feature;
      var list = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
      list.forEach(function (polygon) {
        var outer = unwrap(polygon[0]);
        if (Math.abs(outer[outer.length - 1][0] - outer[0][0]) > 180) {
          polygons.push(polygon);  // round a pole
          return;
        }
        polygons.push([outer].concat(polygon.slice(1).map(unwrap)));
      });
    });
    polygons = polygons.concat(polygons.map(function (p) { return shifted(p, -360); }),
                               polygons.map(function (p) { return shifted(p, 360); }));
    return { type: "MultiPolygon", coordinates: polygons };
  }

  // The legend lists each status with its label in the page's language.
  var labels = {};
  document.querySelectorAll("[data-map-status]").forEach(function (item) {
    labels[item.dataset.mapStatus] = item.textContent.trim();
  });
  var clusterLabel = element.dataset.clusterLabel || "";

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) node.className = className;
    return node;
  }

  function popup(properties) {
    var box = document.createElement("div");
    var link = text("a", properties.name);
    link.href = properties.url;
    box.appendChild(link);
    var place = [properties.city, properties.country].filter(Boolean).join(", ");
    if (place) box.appendChild(text("div", place));
    if (labels[properties.status]) box.appendChild(text("div", labels[properties.status]));
    // A peer network's group: labelled with its network, its page on that network's site.
    if (properties.network) {
      box.appendChild(text("div", properties.network.name));
      link.target = "_blank";
      link.rel = "noopener nofollow";
    }
    return box;
  }

  // A cluster's icon: its count, and a name for screen readers ("4 chapters here: zoom in").
  var ClusterIcon = L.DivIcon.extend({
    createIcon: function (old) {
      var div = L.DivIcon.prototype.createIcon.call(this, old);
      div.setAttribute("aria-label", this.options.count + " " + clusterLabel);
      return div;
    }
  });
  var clusters = L.markerClusterGroup({
    maxClusterRadius: 30,
    showCoverageOnHover: false,
    spiderfyOnMaxZoom: true,
    iconCreateFunction: function (cluster) {
      var count = cluster.getChildCount();
      return new ClusterIcon({ html: text("span", String(count)), count: count,
                               className: "map-cluster", iconSize: L.point(34, 34) });
    }
  });

  function marker(feature, latlng) {
    var properties = feature.properties;
    var status = labels[properties.status] ? properties.status : "other";
    var icon = L.divIcon({
      className: "map-marker map-marker--" + status, iconSize: L.point(16, 16), html: ""
    });
    // Leaflet sets `title` as a property: text, never markup.
    var point = L.marker(latlng, { icon: icon, title: properties.name, keyboard: true,
                                   riseOnHover: true });
    point.bindPopup(popup(properties));
    var tip = properties.network ? properties.name + " · " + properties.network.name
                                 : properties.name;
    point.bindTooltip(text("span", tip), { direction: "top", offset: [0, -8] });
    return point;
  }

  map.addLayer(clusters);
  var bounds = L.latLngBounds([]);
  // The API answers a page at a time: follow the "next" links until every chapter is on.
  function load(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" } })
      .then(function (r) { return r.json(); })
      .then(function (page) {
        var markers = [];
        (page.features || []).forEach(function (feature) {
          if (!feature.geometry) return;
          var c = feature.geometry.coordinates;
          var latlng = L.latLng(c[1], c[0]);
          bounds.extend(latlng);
          markers.push(marker(feature, latlng));
        });
        clusters.addLayers(markers);
        var next = (page.links || []).filter(function (l) { return l.rel === "next"; })[0];
        return next ? load(next.href) : null;
      });
  }
  var first = element.dataset.chaptersUrl;
  load(first + (first.indexOf("?") < 0 ? "?" : "&") + "limit=1000").then(function () {
    if (bounds.isValid()) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 6 });
    element.dataset.loaded = String(clusters.getLayers().length);
  });
})();
