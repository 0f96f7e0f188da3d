"""Feed kind -> runner class."""

from __future__ import annotations

from channels.errors import NotSupported
from workers.runners.base import Runner
from workers.runners.catalogue import ImportNewProducts, ImportProductImages, UpdateProducts
from workers.runners.demand import ReleaseDemand
from workers.runners.orders import AcceptOrders, ConfirmShipments, ImportNewOrders, UpdateOrders
from workers.runners.stock import ExportStockLevels, ImportStockLevels, StockCheck
from workers.runners.suppliers import ImportProductSuppliers, ImportSuppliers

RUNNERS: dict[str, type[Runner]] = {
    runner.kind: runner
    for runner in (
        ImportNewOrders,
        UpdateOrders,
        AcceptOrders,
        ConfirmShipments,
        ImportNewProducts,
        UpdateProducts,
        ImportProductImages,
        ImportStockLevels,
        ExportStockLevels,
        StockCheck,
        ImportSuppliers,
        ImportProductSuppliers,
        ReleaseDemand,
    )
}


def runner_for(kind: str) -> type[Runner]:
    try:
        return RUNNERS[kind]
    except KeyError:
        raise NotSupported(f"no runner for feed kind {kind!r} yet") from None
