"""SQL of the road network tables, written by the OSM import and read by the engine; bound values only."""

from __future__ import annotations

from sqlalchemy import text

TRUNCATE_ROADS = text("TRUNCATE road_edges, road_nodes")

COPY_ROAD_NODES = "COPY road_nodes (node_id, osm_id, component, in_main_component, geom) FROM STDIN"

COPY_ROAD_EDGES = (
    "COPY road_edges (edge_id, source, target, osm_way_id, name, highway, oneway, length_m, "
    "cost_walk, reverse_cost_walk, cost_ebike, reverse_cost_ebike, cost_car, reverse_cost_car, "
    "component, in_main_component, geom) FROM STDIN"
)

UPSERT_NETWORK_INFO = text(
    """
    INSERT INTO road_network_info AS info (network_id, version, source, imported_at, node_count, edge_count,
                                           total_length_m, main_component_nodes, island_count)
    VALUES (1, 1, :source, now(), :node_count, :edge_count, :total_length_m, :main_component_nodes,
            :island_count)
    ON CONFLICT (network_id) DO UPDATE SET
        version = info.version + 1,
        source = EXCLUDED.source,
        imported_at = EXCLUDED.imported_at,
        node_count = EXCLUDED.node_count,
        edge_count = EXCLUDED.edge_count,
        total_length_m = EXCLUDED.total_length_m,
        main_component_nodes = EXCLUDED.main_component_nodes,
        island_count = EXCLUDED.island_count
    RETURNING version
    """
)

ANALYZE_ROADS = text("ANALYZE road_nodes, road_edges")

NETWORK_INFO = text(
    """
    SELECT version, source, imported_at, node_count, edge_count, total_length_m, main_component_nodes,
           island_count
    FROM road_network_info WHERE network_id = 1
    """
)

EXPORT_ROAD_EDGES = text(
    """
    SELECT edge_id, source AS u, target AS v, osm_way_id, name, highway, oneway, length_m,
           cost_walk, reverse_cost_walk, cost_ebike, reverse_cost_ebike, cost_car, reverse_cost_car,
           component, in_main_component, geom
    FROM road_edges ORDER BY edge_id
    """
)

NETWORK_VERSION = text("SELECT version FROM road_network_info WHERE network_id = 1")
NETWORK_EDGES = text(
    """
    SELECT edge_id, source, target, length_m,
           cost_walk, reverse_cost_walk, cost_ebike, reverse_cost_ebike, cost_car, reverse_cost_car,
           in_main_component, ST_AsBinary(ST_Transform(geom, CAST(:srid AS integer))) AS wkb
    FROM road_edges ORDER BY edge_id
    """
)
