// The app's own storage account: the Functions host (AzureWebJobsStorage), the deployment package
// (Flex Consumption deploys from a blob container), and the app's data: raw downloads, model
// artifacts, the model registry and champion alias, ingest history, and the retrain queue.
// Shared keys are switched off: every client, the Functions host included, signs in with Entra ID.

@description('Name of the storage account (3-24 lowercase letters and digits, globally unique).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region of the storage account.')
param location string

@description('Tags for the storage account.')
param tags object

@description('Name of the blob container that Flex Consumption deploys the app package from.')
param deploymentContainerName string

@description('Name of the retrain queue (main.bicep names it once, for this queue and the app setting).')
param retrainQueueName string

@description('Lock the account against deletion through Azure Resource Manager.')
param lockAgainstDeletion bool

@description('Days that deleted blobs and deleted containers can be restored.')
@minValue(7)
@maxValue(365)
param softDeleteRetentionDays int = 7

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      defaultAction: 'Allow'
      bypass: 'AzureServices'
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storage
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
    containerDeleteRetentionPolicy: {
      enabled: true
      days: softDeleteRetentionDays
    }
  }
}

resource rawContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'sidc-raw'
  properties: {
    publicAccess: 'None'
  }
}

resource modelsContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: 'models'
  properties: {
    publicAccess: 'None'
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource retrainQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: retrainQueueName
}

// The Functions host moves a message that failed maxDequeueCount times here.
resource retrainPoisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = {
  parent: queueService
  name: '${retrainQueueName}-poison'
}

resource tableService 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: storage
  name: 'default'
}

resource modelVersionsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'ModelVersions'
}

resource modelAliasesTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'ModelAliases'
}

resource ingestRunsTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'IngestRuns'
}

resource forecastLedgerTable 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tableService
  name: 'ForecastLedger'
}

// Tables have no soft delete: the account (its tables, the registry and the ledger with it) cannot
// be deleted through Azure Resource Manager until someone with Owner rights removes this lock.
// Data-plane deletes stay possible for the app's identity; docs/deploy.md says how to export tables.
resource deleteLock 'Microsoft.Authorization/locks@2020-05-01' = if (lockAgainstDeletion) {
  name: '${name}-cannot-delete'
  scope: storage
  properties: {
    level: 'CanNotDelete'
    notes: 'Holds the model registry, champion aliases and forecast ledger, which have no soft delete.'
  }
}

output name string = storage.name
output blobEndpoint string = storage.properties.primaryEndpoints.blob
output queueEndpoint string = storage.properties.primaryEndpoints.queue
output tableEndpoint string = storage.properties.primaryEndpoints.table
