"""The webservice resources the simulator serves, declared as data: fields, i18n fields, methods.

Field lists follow the PrestaShop 8 webservice (``webserviceParameters`` of each ObjectModel);
they decide what ``display=full`` shows, which ``filter[...]``/``sort`` fields exist (dates only
with ``date=1``) and the order of fields in an answer. ``writable`` names the methods the
simulator implements beyond GET; ``forbidden`` the ones PrestaShop itself refuses for the
resource (``stock_availables`` cannot be created or deleted).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Resource:
    name: str
    singular: str
    fields: tuple[str, ...]
    i18n: frozenset[str] = frozenset()
    associations: tuple[str, ...] = ()
    writable: frozenset[str] = frozenset()
    forbidden: frozenset[str] = frozenset()
    required: tuple[str, ...] = ()
    defaults: dict[str, str] = field(default_factory=dict)

    @property
    def filterable(self) -> frozenset[str]:
        return frozenset(f for f in self.fields if f not in self.i18n)


def _fields(text: str) -> tuple[str, ...]:
    return tuple(text.split())


RESOURCES: dict[str, Resource] = {
    r.name: r
    for r in (
        Resource(
            "orders", "order",
            _fields("""id id_address_delivery id_address_invoice id_cart id_currency id_lang
                id_customer id_carrier current_state module invoice_number invoice_date
                delivery_number delivery_date valid date_add date_upd shipping_number note
                id_shop_group id_shop secure_key payment recyclable gift gift_message
                mobile_theme total_discounts total_discounts_tax_incl total_discounts_tax_excl
                total_paid total_paid_tax_incl total_paid_tax_excl total_paid_real
                total_products total_products_wt total_shipping total_shipping_tax_incl
                total_shipping_tax_excl carrier_tax_rate total_wrapping total_wrapping_tax_incl
                total_wrapping_tax_excl round_mode round_type conversion_rate reference"""),
            associations=("order_rows",),
            writable=frozenset({"PUT", "PATCH"}),
            required=("id_address_delivery", "id_address_invoice", "id_cart", "id_currency",
                      "id_lang", "id_customer", "id_carrier", "module", "payment",
                      "total_paid", "total_paid_real", "total_products", "total_products_wt",
                      "conversion_rate"),
        ),
        Resource(
            "order_states", "order_state",
            _fields("""id unremovable delivery hidden send_email module_name invoice color
                logable shipped paid pdf_delivery pdf_invoice deleted name template"""),
            i18n=frozenset({"name", "template"}),
        ),
        Resource(
            "order_histories", "order_history",
            _fields("id id_employee id_order_state id_order date_add"),
            writable=frozenset({"POST"}),
            required=("id_order_state", "id_order"),
        ),
        Resource(
            "order_carriers", "order_carrier",
            _fields("""id id_order id_carrier id_order_invoice weight shipping_cost_tax_excl
                shipping_cost_tax_incl tracking_number date_add"""),
            writable=frozenset({"PUT", "PATCH"}),
            required=("id_order", "id_carrier"),
            defaults={"id_order_invoice": "0", "weight": "0.000000",
                      "shipping_cost_tax_excl": "0.000000", "shipping_cost_tax_incl": "0.000000",
                      "tracking_number": ""},
        ),
        Resource(
            "addresses", "address",
            _fields("""id id_customer id_manufacturer id_supplier id_warehouse id_country
                id_state alias company lastname firstname vat_number address1 address2
                postcode city other phone phone_mobile dni deleted date_add date_upd"""),
        ),
        Resource(
            "customers", "customer",
            _fields("""id id_default_group id_lang newsletter_date_add deleted lastname
                firstname email id_gender birthday newsletter optin website company
                active is_guest id_shop id_shop_group date_add date_upd"""),
        ),
        Resource(
            "carriers", "carrier",
            _fields("""id deleted is_module id_tax_rules_group id_reference name active
                is_free url shipping_handling shipping_external range_behavior
                shipping_method max_width max_height max_depth max_weight grade
                external_module_name need_range position delay"""),
            i18n=frozenset({"delay"}),
        ),
        Resource(
            "countries", "country",
            _fields("""id id_zone id_currency call_prefix iso_code active contains_states
                need_identification_number need_zip_code zip_code_format display_tax_label
                name"""),
            i18n=frozenset({"name"}),
        ),
        Resource("states", "state", _fields("id id_zone id_country iso_code name active")),
        Resource(
            "currencies", "currency",
            _fields("""id names name symbol iso_code numeric_iso_code precision
                conversion_rate deleted active unofficial modified pattern"""),
            i18n=frozenset({"names", "symbol", "pattern"}),
        ),
        Resource("languages", "language",
                 _fields("id name iso_code locale language_code active is_rtl date_format_lite "
                         "date_format_full")),
        Resource(
            "products", "product",
            _fields("""id id_manufacturer id_supplier id_category_default new
                id_default_image id_default_combination id_tax_rules_group type id_shop_default
                reference supplier_reference location width height depth weight
                quantity_discount ean13 isbn upc mpn cache_is_pack cache_has_attachments
                is_virtual state product_type on_sale online_only ecotax minimal_quantity
                price wholesale_price unity customizable active available_for_order
                condition show_price visibility advanced_stock_management date_add date_upd
                meta_title link_rewrite name description_short quantity"""),
            i18n=frozenset({"meta_title", "link_rewrite", "name", "description_short"}),
            associations=("categories", "images", "combinations", "stock_availables"),
        ),
        Resource(
            "combinations", "combination",
            _fields("""id id_product location ean13 isbn upc mpn quantity reference
                supplier_reference wholesale_price price ecotax weight unit_price_impact
                minimal_quantity default_on available_date"""),
            associations=("product_option_values", "images"),
        ),
        Resource(
            "product_option_values", "product_option_value",
            _fields("id id_attribute_group color position name"),
            i18n=frozenset({"name"}),
        ),
        Resource(
            "product_options", "product_option",
            _fields("id is_color_group group_type position name public_name"),
            i18n=frozenset({"name", "public_name"}),
        ),
        Resource(
            "stock_availables", "stock_available",
            _fields("""id id_product id_product_attribute id_shop id_shop_group quantity
                depends_on_stock out_of_stock location"""),
            writable=frozenset({"PUT", "PATCH"}),
            forbidden=frozenset({"POST", "DELETE"}),
            required=("id_product", "id_product_attribute", "quantity", "depends_on_stock",
                      "out_of_stock"),
            defaults={"id_shop": "0", "id_shop_group": "0", "location": ""},
        ),
        Resource(
            "suppliers", "supplier",
            _fields("id link_rewrite name active date_add date_upd description meta_title"),
            i18n=frozenset({"description", "meta_title"}),
        ),
        Resource(
            "product_suppliers", "product_supplier",
            _fields("""id id_product id_product_attribute id_supplier id_currency
                product_supplier_reference product_supplier_price_te"""),
        ),
    )
}

# Singular node names of association entries (XML output).
ASSOCIATION_NODES = {
    "order_rows": "order_row", "categories": "category", "images": "image",
    "combinations": "combination", "stock_availables": "stock_available",
    "product_option_values": "product_option_value",
}
# Resources in the root listing that the simulator does not serve (answered 501).
OTHER_RESOURCES = (
    "carts", "categories", "configurations", "customer_messages", "customer_threads",
    "deliveries", "employees", "groups", "guests", "image_types", "manufacturers", "messages",
    "order_details", "order_invoices", "order_payments", "order_slip", "price_ranges",
    "shop_groups", "shop_urls", "shops", "specific_prices", "stores", "tags", "tax_rules",
    "taxes", "warehouses", "weight_ranges", "zones",
)
