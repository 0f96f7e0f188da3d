"""The static cases of the Orders v0 model (`x-amzn-api-sandbox.static`), replayed as is.

Copied from amzn/selling-partner-api-models `models/orders-api-model/ordersV0.json` (Apache-2.0):
operationId -> [(request parameters, HTTP status, response body)]. A call whose parameters are
exactly one of these gets the canned answer, as on Amazon's own sandbox hosts.
"""

# ruff: noqa: E501

from __future__ import annotations

from typing import Any

CASES: dict[str, list[tuple[dict[str, Any], int, dict[str, Any]]]] = {
    "getOrders": [
        (
            {"CreatedAfter": "TEST_CASE_200", "MarketplaceIds": ["ATVPDKIKX0DER"]},
            200,
            {
                "payload": {
                    "CreatedBefore": "1.569521782042E9",
                    "Orders": [
                        {
                            "AmazonOrderId": "902-1845936-5435065",
                            "PurchaseDate": "1970-01-19T03:58:30Z",
                            "LastUpdateDate": "1970-01-19T03:58:32Z",
                            "OrderStatus": "Unshipped",
                            "FulfillmentChannel": "MFN",
                            "SalesChannel": "Amazon.com",
                            "ShipServiceLevel": "Std US D2D Dom",
                            "OrderTotal": {"CurrencyCode": "USD", "Amount": "11.01"},
                            "NumberOfItemsShipped": 0,
                            "NumberOfItemsUnshipped": 1,
                            "PaymentMethod": "Other",
                            "PaymentMethodDetails": ["Standard"],
                            "IsReplacementOrder": False,
                            "MarketplaceId": "ATVPDKIKX0DER",
                            "ShipmentServiceLevelCategory": "Standard",
                            "OrderType": "StandardOrder",
                            "EarliestShipDate": "1970-01-19T03:59:27Z",
                            "LatestShipDate": "1970-01-19T04:05:13Z",
                            "EarliestDeliveryDate": "1970-01-19T04:06:39Z",
                            "LatestDeliveryDate": "1970-01-19T04:15:17Z",
                            "IsBusinessOrder": False,
                            "IsPrime": False,
                            "IsGlobalExpressEnabled": False,
                            "IsPremiumOrder": False,
                            "IsSoldByAB": False,
                            "IsIBA": False,
                            "DefaultShipFromLocationAddress": {
                                "Name": "MFNIntegrationTestMerchant",
                                "AddressLine1": "2201 WESTLAKE AVE",
                                "City": "SEATTLE",
                                "StateOrRegion": "WA",
                                "PostalCode": "98121-2778",
                                "CountryCode": "US",
                                "Phone": "+1 480-386-0930 ext. 73824",
                                "AddressType": "Commercial",
                            },
                            "FulfillmentInstruction": {
                                "FulfillmentSupplySourceId": "sampleSupplySourceId"
                            },
                            "IsISPU": False,
                            "IsAccessPointOrder": False,
                            "AutomatedShippingSettings": {"HasAutomatedShippingSettings": False},
                            "EasyShipShipmentStatus": "PendingPickUp",
                            "ElectronicInvoiceStatus": "NotRequired",
                        },
                        {
                            "AmazonOrderId": "902-8745147-1934268",
                            "PurchaseDate": "1970-01-19T03:58:30Z",
                            "LastUpdateDate": "1970-01-19T03:58:32Z",
                            "OrderStatus": "Unshipped",
                            "FulfillmentChannel": "MFN",
                            "SalesChannel": "Amazon.com",
                            "ShipServiceLevel": "Std US D2D Dom",
                            "OrderTotal": {"CurrencyCode": "USD", "Amount": "11.01"},
                            "NumberOfItemsShipped": 0,
                            "NumberOfItemsUnshipped": 1,
                            "PaymentMethod": "Other",
                            "PaymentMethodDetails": ["Standard"],
                            "IsReplacementOrder": False,
                            "MarketplaceId": "ATVPDKIKX0DER",
                            "ShipmentServiceLevelCategory": "Standard",
                            "OrderType": "StandardOrder",
                            "EarliestShipDate": "1970-01-19T03:59:27Z",
                            "LatestShipDate": "1970-01-19T04:05:13Z",
                            "EarliestDeliveryDate": "1970-01-19T04:06:39Z",
                            "LatestDeliveryDate": "1970-01-19T04:15:17Z",
                            "IsBusinessOrder": False,
                            "IsPrime": False,
                            "IsAccessPointOrder": False,
                            "IsGlobalExpressEnabled": False,
                            "IsPremiumOrder": False,
                            "IsSoldByAB": False,
                            "IsIBA": False,
                            "EasyShipShipmentStatus": "PendingPickUp",
                            "ElectronicInvoiceStatus": "NotRequired",
                        },
                    ],
                }
            },
        ),
        (
            {"CreatedAfter": "TEST_CASE_200_NEXT_TOKEN", "MarketplaceIds": ["ATVPDKIKX0DER"]},
            200,
            {
                "payload": {
                    "NextToken": "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4",
                    "Orders": [
                        {
                            "AmazonOrderId": "902-3159896-1390916",
                            "PurchaseDate": "2017-01-20T19:49:35Z",
                            "LastUpdateDate": "2017-01-20T19:49:35Z",
                            "OrderStatus": "Pending",
                            "FulfillmentChannel": "MFN",
                            "NumberOfItemsShipped": 0,
                            "NumberOfItemsUnshipped": 0,
                            "PaymentMethod": "Other",
                            "PaymentMethodDetails": ["CreditCard", "GiftCertificate"],
                            "MarketplaceId": "ATVPDKIKX0DER",
                            "ShipmentServiceLevelCategory": "Standard",
                            "OrderType": "StandardOrder",
                            "EasyShipShipmentStatus": "PendingPickUp",
                            "ElectronicInvoiceStatus": "NotRequired",
                            "EarliestShipDate": "2017-01-20T19:51:16Z",
                            "LatestShipDate": "2017-01-25T19:49:35Z",
                            "IsBusinessOrder": False,
                            "IsPrime": False,
                            "IsAccessPointOrder": False,
                            "IsGlobalExpressEnabled": False,
                            "IsPremiumOrder": False,
                            "IsSoldByAB": False,
                            "IsIBA": False,
                        }
                    ],
                }
            },
        ),
        (
            {
                "CreatedAfter": "TEST_CASE_200_NEXT_TOKEN",
                "MarketplaceIds": ["ATVPDKIKX0DER"],
                "NextToken": "2YgYW55IGNhcm5hbCBwbGVhc3VyZS4",
            },
            200,
            {
                "payload": {
                    "Orders": [
                        {
                            "AmazonOrderId": "902-3159896-1390916",
                            "PurchaseDate": "2017-01-20T19:49:35Z",
                            "LastUpdateDate": "2017-01-20T19:49:35Z",
                            "OrderStatus": "Pending",
                            "FulfillmentChannel": "MFN",
                            "NumberOfItemsShipped": 0,
                            "NumberOfItemsUnshipped": 0,
                            "PaymentMethod": "Other",
                            "PaymentMethodDetails": ["CreditCard", "GiftCertificate"],
                            "MarketplaceId": "ATVPDKIKX0DER",
                            "ShipmentServiceLevelCategory": "Standard",
                            "OrderType": "StandardOrder",
                            "EasyShipShipmentStatus": "PendingPickUp",
                            "ElectronicInvoiceStatus": "NotRequired",
                            "EarliestShipDate": "2017-01-20T19:51:16Z",
                            "LatestShipDate": "2017-01-25T19:49:35Z",
                            "IsBusinessOrder": False,
                            "IsPrime": False,
                            "IsAccessPointOrder": False,
                            "IsGlobalExpressEnabled": False,
                            "IsPremiumOrder": False,
                            "IsSoldByAB": False,
                            "IsIBA": False,
                        }
                    ]
                }
            },
        ),
        (
            {"CreatedAfter": "TEST_CASE_400"},
            400,
            {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]},
        ),
    ],
    "getOrder": [
        (
            {"orderId": "TEST_CASE_200"},
            200,
            {
                "payload": {
                    "AmazonOrderId": "902-1845936-5435065",
                    "PurchaseDate": "1970-01-19T03:58:30Z",
                    "LastUpdateDate": "1970-01-19T03:58:32Z",
                    "OrderStatus": "Unshipped",
                    "FulfillmentChannel": "MFN",
                    "SalesChannel": "Amazon.com",
                    "ShipServiceLevel": "Std US D2D Dom",
                    "OrderTotal": {"CurrencyCode": "USD", "Amount": "11.01"},
                    "NumberOfItemsShipped": 0,
                    "NumberOfItemsUnshipped": 1,
                    "PaymentMethod": "Other",
                    "PaymentMethodDetails": ["Standard"],
                    "IsReplacementOrder": False,
                    "MarketplaceId": "ATVPDKIKX0DER",
                    "ShipmentServiceLevelCategory": "Standard",
                    "OrderType": "StandardOrder",
                    "EarliestShipDate": "1970-01-19T03:59:27Z",
                    "LatestShipDate": "1970-01-19T04:05:13Z",
                    "EarliestDeliveryDate": "1970-01-19T04:06:39Z",
                    "LatestDeliveryDate": "1970-01-19T04:15:17Z",
                    "IsBusinessOrder": False,
                    "IsPrime": False,
                    "IsGlobalExpressEnabled": False,
                    "IsPremiumOrder": False,
                    "IsSoldByAB": False,
                    "IsIBA": False,
                    "DefaultShipFromLocationAddress": {
                        "Name": "MFNIntegrationTestMerchant",
                        "AddressLine1": "2201 WESTLAKE AVE",
                        "City": "SEATTLE",
                        "StateOrRegion": "WA",
                        "PostalCode": "98121-2778",
                        "CountryCode": "US",
                        "Phone": "+1 480-386-0930 ext. 73824",
                        "AddressType": "Commercial",
                    },
                    "FulfillmentInstruction": {"FulfillmentSupplySourceId": "sampleSupplySourceId"},
                    "IsISPU": False,
                    "IsAccessPointOrder": False,
                    "AutomatedShippingSettings": {"HasAutomatedShippingSettings": False},
                    "EasyShipShipmentStatus": "PendingPickUp",
                    "ElectronicInvoiceStatus": "NotRequired",
                }
            },
        ),
        (
            {"orderId": "TEST_CASE_IBA_200"},
            200,
            {
                "payload": {
                    "AmazonOrderId": "921-3175655-0452641",
                    "PurchaseDate": "2019-05-07T15:42:57.058Z",
                    "LastUpdateDate": "2019-05-08T21:59:59Z",
                    "OrderStatus": "Shipped",
                    "FulfillmentChannel": "AFN",
                    "SalesChannel": "Amazon.de",
                    "ShipServiceLevel": "Standard",
                    "OrderTotal": {"CurrencyCode": "EUR", "Amount": "100.00"},
                    "NumberOfItemsShipped": 1,
                    "NumberOfItemsUnshipped": 0,
                    "PaymentMethod": "Other",
                    "PaymentMethodDetails": ["Invoice"],
                    "PaymentExecutionDetail": [
                        {
                            "Payment": {"CurrencyCode": "BRL", "Amount": "20.00"},
                            "PaymentMethod": "Pix",
                            "AcquirerId": "XX.XXX.XXX/0001-ZZ",
                            "AuthorizationCode": "123456",
                        }
                    ],
                    "IsReplacementOrder": False,
                    "MarketplaceId": "A1PA6795UKMFR9",
                    "ShipmentServiceLevelCategory": "Standard",
                    "OrderType": "StandardOrder",
                    "EarliestShipDate": "1970-01-19T03:59:27Z",
                    "LatestShipDate": "2019-05-08T21:59:59Z",
                    "EarliestDeliveryDate": "2019-05-10T21:59:59Z",
                    "LatestDeliveryDate": "2019-05-12T21:59:59Z",
                    "IsBusinessOrder": True,
                    "IsPrime": False,
                    "IsGlobalExpressEnabled": False,
                    "IsPremiumOrder": False,
                    "IsSoldByAB": True,
                    "IsIBA": True,
                    "DefaultShipFromLocationAddress": {
                        "Name": "MFNIntegrationTestMerchant",
                        "AddressLine1": "2201 WESTLAKE AVE",
                        "City": "SEATTLE",
                        "StateOrRegion": "WA",
                        "PostalCode": "98121-2778",
                        "CountryCode": "US",
                        "Phone": "+1 480-386-0930 ext. 73824",
                        "AddressType": "Commercial",
                    },
                    "FulfillmentInstruction": {"FulfillmentSupplySourceId": "sampleSupplySourceId"},
                    "IsISPU": False,
                    "IsAccessPointOrder": False,
                    "AutomatedShippingSettings": {"HasAutomatedShippingSettings": False},
                    "EasyShipShipmentStatus": "PendingPickUp",
                    "ElectronicInvoiceStatus": "NotRequired",
                }
            },
        ),
        (
            {"orderId": "TEST_CASE_400"},
            400,
            {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]},
        ),
    ],
    "getOrderBuyerInfo": [
        (
            {"orderId": "TEST_CASE_200"},
            200,
            {
                "payload": {
                    "AmazonOrderId": "902-1845936-5435065",
                    "BuyerEmail": "fzyrv6gwkhbb15c@example.com",
                    "BuyerName": "MFNIntegrationTestMerchant",
                }
            },
        ),
        (
            {"orderId": "TEST_CASE_400"},
            400,
            {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]},
        ),
    ],
    "getOrderAddress": [
        (
            {"orderId": "TEST_CASE_200"},
            200,
            {
                "payload": {
                    "AmazonOrderId": "902-1845936-5435065",
                    "ShippingAddress": {
                        "Name": "MFNIntegrationTestMerchant",
                        "AddressLine1": "2201 WESTLAKE AVE",
                        "City": "SEATTLE",
                        "StateOrRegion": "WA",
                        "PostalCode": "98121-2778",
                        "CountryCode": "US",
                        "Phone": "+1 480-386-0930 ext. 73824",
                        "AddressType": "Commercial",
                    },
                }
            },
        ),
        (
            {"orderId": "TEST_CASE_400"},
            400,
            {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]},
        ),
    ],
    "getOrderItems": [
        (
            {"orderId": "TEST_CASE_200"},
            200,
            {
                "payload": {
                    "AmazonOrderId": "902-1845936-5435065",
                    "OrderItems": [
                        {
                            "ASIN": "B00551Q3CS",
                            "OrderItemId": "05015851154158",
                            "SellerSKU": "NABetaASINB00551Q3CS",
                            "Title": "B00551Q3CS [Card Book]",
                            "QuantityOrdered": 1,
                            "QuantityShipped": 0,
                            "ProductInfo": {"NumberOfItems": "1"},
                            "ItemPrice": {"CurrencyCode": "USD", "Amount": "10.00"},
                            "ItemTax": {"CurrencyCode": "USD", "Amount": "1.01"},
                            "PromotionDiscount": {"CurrencyCode": "USD", "Amount": "0.00"},
                            "IsGift": "false",
                            "ConditionId": "New",
                            "ConditionSubtypeId": "New",
                            "IsTransparency": False,
                            "SerialNumberRequired": False,
                            "IossNumber": "",
                            "DeemedResellerCategory": "IOSS",
                            "StoreChainStoreId": "ISPU_StoreId",
                            "BuyerRequestedCancel": {
                                "IsBuyerRequestedCancel": "true",
                                "BuyerCancelReason": "Found cheaper somewhere else.",
                            },
                        }
                    ],
                }
            },
        ),
        (
            {"orderId": "TEST_CASE_400"},
            400,
            {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]},
        ),
    ],
    "getOrderItemsBuyerInfo": [
        (
            {"orderId": "TEST_CASE_200"},
            200,
            {
                "payload": {
                    "AmazonOrderId": "902-1845936-5435065",
                    "OrderItems": [
                        {
                            "OrderItemId": "68828574383266",
                            "BuyerCustomizedInfo": {
                                "CustomizedURL": "https://zme-caps.amazon.com/t/bR6qHkzSOxuB/J8nbWhze0Bd3DkajkOdY-XQbWkFralegp2sr_QZiKEE/1"
                            },
                            "GiftMessageText": "Et toi!",
                            "GiftWrapPrice": {"CurrencyCode": "JPY", "Amount": "1.99"},
                            "GiftWrapLevel": "Classic",
                        }
                    ],
                }
            },
        ),
        (
            {"orderId": "TEST_CASE_400"},
            400,
            {"errors": [{"code": "InvalidInput", "message": "Invalid Input"}]},
        ),
    ],
    "confirmShipment": [
        (
            {
                "orderId": "902-1106328-1059050",
                "body": {
                    "marketplaceId": "ATVPDKIKX0DER",
                    "packageDetail": {
                        "packageReferenceId": "1",
                        "carrierCode": "FedEx",
                        "carrierName": "FedEx",
                        "shippingMethod": "FedEx Ground",
                        "trackingNumber": "112345678",
                        "shipDate": "2022-02-11T01:00:00.000Z",
                        "shipFromSupplySourceId": "057d3fcc-b750-419f-bbcd-4d340c60c430",
                        "orderItems": [
                            {
                                "orderItemId": "79039765272157",
                                "quantity": 1,
                                "transparencyCodes": ["09876543211234567890"],
                            }
                        ],
                    },
                },
            },
            204,
            {},
        ),
        (
            {
                "orderId": "902-1106328-1059050",
                "body": {
                    "marketplaceId": "ATVPDKIKX0DER",
                    "packageDetail": {
                        "packageReferenceId": "1",
                        "carrierCode": "FedEx",
                        "carrierName": "FedEx",
                        "shippingMethod": "FedEx Ground",
                        "trackingNumber": "112345678",
                        "shipDate": "02/21/2022",
                        "shipFromSupplySourceId": "057d3fcc-b750-419f-bbcd-4d340c60c430",
                        "orderItems": [
                            {
                                "orderItemId": "79039765272157",
                                "quantity": 1,
                                "transparencyCodes": ["09876543211234567890"],
                            }
                        ],
                    },
                },
            },
            400,
            {"errors": [{"code": "Invalid Input", "message": "Invalid Input"}]},
        ),
    ],
}
