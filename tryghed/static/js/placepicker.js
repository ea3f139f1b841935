/* The place picker on the citizen's forms: a Leaflet map of the district's municipalities
   (their boundaries only, so it needs no tile server) where a click, or the button that
   marks the centre of the map, fills in the hidden lat/lon fields and chooses the
   municipality in the select. Without JavaScript the map stays hidden and the address
   field and the municipality select do the job. */
(function () {
  "use strict";

  var root = document.querySelector("[data-placepicker]");
  if (!root || !window.L || !window.fetch) {
    return;
  }
  var form = root.closest("form");
  var latInput = form.querySelector("input[name=lat]");
  var lonInput = form.querySelector("input[name=lon]");
  var select = form.querySelector("select[name=municipality]");
  var status = root.querySelector(".placepicker-status");
  var centreButton = root.querySelector("[data-placepicker-centre]");
  var clearButton = root.querySelector("[data-placepicker-clear]");
  var text = root.dataset;

  root.hidden = false;
  var map = L.map(root.querySelector(".placepicker-map"), {
    zoomControl: false,
    attributionControl: false,
    zoomSnap: 0.5,
    minZoom: 6,
    maxZoom: 18
  });
  L.control.zoom({ zoomInTitle: text.zoomIn, zoomOutTitle: text.zoomOut }).addTo(map);
  var attribution = L.control.attribution({ prefix: false }).addTo(map);
  attribution.addAttribution(text.attribution);
  if (text.tiles) {
    L.tileLayer(text.tiles, { attribution: text.tilesAttribution, maxZoom: 19 }).addTo(map);
  }
  // Zealand, until the boundaries have loaded.
  map.setView([55.5, 11.7], 8);

  var areas = [];
  var marker = null;
  var markedCode = "";

  function polygonsOf(geometry) {
    if (geometry.type === "Polygon") {
      return [geometry.coordinates];
    }
    return geometry.type === "MultiPolygon" ? geometry.coordinates : [];
  }

  // Ray casting; rings are GeoJSON [lon, lat] positions.
  function inRing(lon, lat, ring) {
    var inside = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) {
        inside = !inside;
      }
    }
    return inside;
  }

  function areaAt(lat, lon) {
    for (var a = 0; a < areas.length; a++) {
      var polygons = areas[a].polygons;
      for (var p = 0; p < polygons.length; p++) {
        var rings = polygons[p];
        if (!inRing(lon, lat, rings[0])) {
          continue;
        }
        var inHole = false;
        for (var h = 1; h < rings.length; h++) {
          if (inRing(lon, lat, rings[h])) {
            inHole = true;
          }
        }
        if (!inHole) {
          return areas[a];
        }
      }
    }
    return null;
  }

  function announce(message) {
    // Emptied first, so that the same message twice is read out twice.
    status.textContent = "";
    window.setTimeout(function () {
      status.textContent = message;
    }, 50);
  }

  // The point is also kept in the page's history entry: going Back to the form, browsers
  // fetch it again and fill in what was typed, but not hidden fields such as these.
  function remember(point) {
    if (!window.history || !window.history.replaceState) {
      return;
    }
    var state = {};
    var old = window.history.state;
    if (old && typeof old === "object") {
      for (var key in old) {
        if (Object.prototype.hasOwnProperty.call(old, key)) {
          state[key] = old[key];
        }
      }
    }
    state.placepicker = point;
    window.history.replaceState(state, "");
  }

  function remembered() {
    var state = window.history && window.history.state;
    var point = state && state.placepicker;
    return point && isFinite(point[0]) && isFinite(point[1]) ? point : null;
  }

  function mark(latlng, quiet) {
    var lat = Math.round(latlng.lat * 1e6) / 1e6;
    var lon = Math.round(latlng.lng * 1e6) / 1e6;
    latInput.value = lat;
    lonInput.value = lon;
    remember([lat, lon]);
    if (marker) {
      marker.setLatLng([lat, lon]);
    } else {
      marker = L.circleMarker([lat, lon], {
        radius: 9,
        weight: 3,
        color: "#1a1a1a",
        fillColor: "#ffffff",
        fillOpacity: 1,
        interactive: false
      }).addTo(map);
    }
    clearButton.hidden = false;
    var area = areaAt(lat, lon);
    markedCode = area ? area.code : "";
    if (area && select) {
      select.value = area.code;
    }
    if (!quiet) {
      announce(area ? text.textMarked.replace("%(municipality)s", area.name) : text.textOutside);
    }
  }

  function clear(quiet) {
    latInput.value = "";
    lonInput.value = "";
    remember(null);
    markedCode = "";
    if (marker) {
      map.removeLayer(marker);
      marker = null;
    }
    clearButton.hidden = true;
    if (!quiet) {
      announce(text.textCleared);
    }
  }

  map.on("click", function (event) {
    mark(event.latlng);
  });
  centreButton.addEventListener("click", function () {
    mark(map.getCenter());
  });
  clearButton.addEventListener("click", function () {
    clear();
    centreButton.focus();
  });
  if (select) {
    // A municipality chosen by hand wins over a mark somewhere else: the server would
    // refuse the contradiction.
    select.addEventListener("change", function () {
      if (marker && select.value !== markedCode) {
        clear();
      }
      for (var a = 0; a < areas.length; a++) {
        if (areas[a].code === select.value) {
          map.fitBounds(areas[a].layer.getBounds(), { animate: false });
        }
      }
    });
  }

  fetch(text.geojsonUrl, { credentials: "same-origin" })
    .then(function (response) {
      if (!response.ok) {
        throw new Error(response.statusText);
      }
      return response.json();
    })
    .then(function (data) {
      var layer = L.geoJSON(data, {
        interactive: false,
        style: function () {
          return { className: "placepicker-area" };
        },
        onEachFeature: function (feature, featureLayer) {
          areas.push({
            code: feature.properties.code,
            name: feature.properties.name,
            polygons: polygonsOf(feature.geometry),
            layer: featureLayer
          });
          featureLayer.bindTooltip(feature.properties.name, {
            permanent: true,
            direction: "center",
            className: "placepicker-label"
          });
        }
      }).addTo(map);
      if (layer.getLayers().length) {
        map.fitBounds(layer.getBounds(), { animate: false });
      }
      var lat = parseFloat(latInput.value);
      var lon = parseFloat(lonInput.value);
      var point = remembered();
      if (isFinite(lat) && isFinite(lon)) {
        mark(L.latLng(lat, lon), true);
      } else if (point) {
        mark(L.latLng(point[0], point[1]), true);
      }
    })
    .catch(function () {
      root.querySelector(".placepicker-frame").hidden = true;
      centreButton.hidden = true;
      announce(text.textLoadingFailed);
    });
})();
