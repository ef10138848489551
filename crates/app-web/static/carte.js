// The map of /bo/cartographie: OpenStreetMap tiles, the cases of the
// visible rectangle asked from /bo/cartographie/points with the page's
// filters, grouped by Leaflet.markercluster, coloured by status (the
// legend and each popup say the status in words).
//
// Loading: first the whole globe (the server keeps it to the actor's
// scope); the view then fits the points, or France when there are none.
// When an answer was complete, moving inside what it covered asks nothing;
// otherwise each move asks for its rectangle, a moment after the map
// stops, cancelling the request still running.
(function () {
  "use strict";
  var container = document.getElementById("carte");
  if (!container || typeof L === "undefined" || typeof L.markerClusterGroup !== "function") {
    return;
  }
  var endpoint = container.getAttribute("data-points");
  var filters = container.getAttribute("data-filtres") || "";
  var status = document.getElementById("carte-etat");
  var FRANCE = L.latLngBounds([41.3, -5.2], [51.1, 9.6]);
  var WORLD = L.latLngBounds([-90, -180], [90, 180]);

  var map = L.map(container, {
    zoomControl: false,
    minZoom: 3,
    maxZoom: 19,
    maxBounds: WORLD,
    maxBoundsViscosity: 1.0
  });
  L.control.zoom({ zoomInTitle: "Zoom avant", zoomOutTitle: "Zoom arrière" }).addTo(map);
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    // The site sends no referrer (Referrer-Policy: no-referrer), but the
    // OSM tile servers refuse requests without one: the tiles say which
    // site asks, never which page (no case id leaves in a URL).
    referrerPolicy: "strict-origin",
    attribution: '© <a href="https://www.openstreetmap.org/copyright">les contributeurs d\u2019OpenStreetMap</a>'
  }).addTo(map);

  var groups = L.markerClusterGroup({
    showCoverageOnHover: false,
    chunkedLoading: true,
    iconCreateFunction: function (cluster) {
      var count = cluster.getChildCount();
      var size = count < 10 ? "s" : count < 100 ? "m" : "l";
      var dimension = size === "s" ? 34 : size === "m" ? 42 : 50;
      var label = document.createElement("span");
      var number = document.createElement("span");
      number.textContent = String(count);
      var words = document.createElement("span");
      words.className = "fr-sr-only";
      words.textContent = count > 1 ? " signalements : zoomer sur ce groupe" : " signalement";
      label.appendChild(number);
      label.appendChild(words);
      return L.divIcon({
        html: label,
        className: "carte-groupe carte-groupe--" + size,
        iconSize: L.point(dimension, dimension)
      });
    }
  });
  map.addLayer(groups);

  // The popup close button speaks French too.
  map.on("popupopen", function (e) {
    var close = e.popup.getElement() && e.popup.getElement().querySelector(".leaflet-popup-close-button");
    if (close) { close.setAttribute("aria-label", "Fermer"); }
  });

  function say(text) {
    if (status) { status.textContent = text; }
  }

  function line(tag, text, className) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    el.textContent = text;
    return el;
  }

  // Built from nodes, never from HTML strings: addresses are typed by
  // the public.
  function popup(point) {
    var box = document.createElement("div");
    box.className = "carte-popup";
    box.appendChild(line("p", point.reference, "carte-popup__titre"));
    box.appendChild(line("p", point.address));
    var state = line("p", "Statut : ");
    state.appendChild(line("span", point.status_label, "fr-badge fr-badge--sm carte-badge--" + point.status));
    box.appendChild(state);
    box.appendChild(line("p", "Criticité : " + point.criticite + " %"));
    var link = line("a", "Ouvrir le dossier " + point.reference, "fr-link");
    link.href = point.url;
    box.appendChild(link);
    return box;
  }

  function marker(point) {
    var m = L.marker([point.lat, point.lng], {
      title: point.reference + " – " + point.status_label,
      icon: L.divIcon({
        className: "carte-marker carte-marker--" + point.status,
        iconSize: L.point(18, 18)
      })
    });
    m.bindPopup(function () { return popup(point); });
    return m;
  }

  function plural(n, word) {
    return n.toLocaleString("fr-FR") + " " + word + (n > 1 ? "s" : "");
  }

  function show(data) {
    groups.clearLayers();
    groups.addLayers(data.points.map(marker));
    var shown = data.points.length;
    if (data.truncated) {
      say(plural(shown, "signalement") + " affichés, les plus récents sur " +
        data.total.toLocaleString("fr-FR") + " dans cette zone : zoomez pour voir les autres.");
    } else if (shown === 0) {
      say("Aucun signalement géolocalisé dans cette zone.");
    } else {
      say(plural(shown, "signalement") + " sur la carte.");
    }
  }

  // Leaflet's view may reach past the globe: the server wants it inside.
  function bbox(bounds) {
    var round = function (v) { return Math.round(v * 1e6) / 1e6; };
    return [
      round(Math.max(-180, bounds.getWest())),
      round(Math.max(-90, bounds.getSouth())),
      round(Math.min(180, bounds.getEast())),
      round(Math.min(90, bounds.getNorth()))
    ];
  }

  var covered = null;
  var running = null;
  var asked = 0;

  function load(bounds) {
    if (covered && covered.contains(bounds)) { return Promise.resolve(null); }
    var box = bbox(bounds);
    if (!(box[0] < box[2] && box[1] < box[3])) { return Promise.resolve(null); }
    if (running) { running.abort(); }
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    running = controller;
    var mine = ++asked;
    container.setAttribute("aria-busy", "true");
    say("Chargement des signalements…");
    var url = endpoint + "?" + (filters ? filters + "&" : "") + "bbox=" + box.join(",");
    return fetch(url, {
      credentials: "same-origin",
      headers: { Accept: "application/json" },
      signal: controller ? controller.signal : undefined
    })
      .then(function (r) {
        if (!r.ok) { throw new Error("HTTP " + r.status); }
        return r.json();
      })
      .then(function (data) {
        if (mine !== asked) { return null; }
        covered = data.truncated ? null : L.latLngBounds([box[1], box[0]], [box[3], box[2]]);
        show(data);
        return data;
      })
      .catch(function (error) {
        if (error && error.name === "AbortError") { return null; }
        if (mine === asked) {
          say("Les signalements n'ont pas pu être chargés. La liste les montre : réessayez plus tard pour la carte.");
        }
        return null;
      })
      .then(function (data) {
        if (mine === asked) {
          container.removeAttribute("aria-busy");
          running = null;
        }
        return data;
      });
  }

  var timer = null;
  map.fitBounds(FRANCE);
  load(WORLD).then(function (data) {
    if (data && data.points.length > 0) {
      var points = L.latLngBounds(data.points.map(function (p) { return [p.lat, p.lng]; }));
      map.fitBounds(points, { padding: [24, 24], maxZoom: 15 });
    }
    map.on("moveend", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { load(map.getBounds()); }, 300);
    });
  });
}());
