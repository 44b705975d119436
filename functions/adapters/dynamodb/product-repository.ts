// Loan products in the single table, listed through GSI1 (PK=PRODUCTS).

import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DEFAULT_DOCUMENT_GATE, type Product } from '../../core/applications/products';
import type { ProductRepository } from '../../core/applications/ports';
import { keys } from './keys';
import { isConditionalCheckFailed } from './errors';
import { queryAll } from './query';

function toProduct(item: Record<string, unknown>): Product {
  const { PK: _pk, SK: _sk, GSI1PK: _g1, GSI1SK: _g1s, type: _type, ...product } = item;
  // A product stored before the setting existed gates its documents before review, as the default does.
  return { documentsRequiredBefore: DEFAULT_DOCUMENT_GATE, ...product } as unknown as Product;
}

function toItem(product: Product) {
  return { ...keys.product(product.productId), ...keys.productsIndex(product.productId), type: 'product', ...product };
}

export function createProductRepository(doc: DynamoDBDocumentClient, tableName: string): ProductRepository {
  return {
    async get(productId) {
      const result = await doc.send(new GetCommand({ TableName: tableName, Key: keys.product(productId) }));
      return result.Item ? toProduct(result.Item) : undefined;
    },

    async list() {
      const items = await queryAll(doc, {
        TableName: tableName,
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.productsPartition },
      });
      return items.map(toProduct);
    },

    async put(product) {
      await doc.send(new PutCommand({ TableName: tableName, Item: toItem(product) }));
    },

    async seed(products) {
      let added = 0;
      for (const product of products) {
        try {
          await doc.send(new PutCommand({ TableName: tableName, Item: toItem(product), ConditionExpression: 'attribute_not_exists(PK)' }));
          added += 1;
        } catch (error) {
          if (!isConditionalCheckFailed(error)) throw error;
        }
      }
      return added;
    },
  };
}
