// Generated from netbox/go-netbox/api/openapi.yaml by extracting each component schema verbatim
// (its lines up to the next schema) and dropping only its `example:` blocks, which are
// generator placeholders. `scripts/refresh-reference-fixtures.py` (`make reference-fixtures`) checks that they
// still match the reference file (netbox/go-netbox/api/openapi.yaml).
// Line numbers are those of the schema's first line in the reference file.

enum NetBoxSchemaExcerpts {
    static let source = "netbox/go-netbox/api/openapi.yaml"

    static let excerpts: [(name: String, line: Int, yaml: String)] = [
        ("PaginatedDeviceWithConfigContextList", 137366, #"""
    PaginatedDeviceWithConfigContextList:
      type: object
      required:
      - count
      - results
      properties:
        count:
          type: integer
        next:
          type: string
          nullable: true
          format: uri
        previous:
          type: string
          nullable: true
          format: uri
        results:
          type: array
          items:
            $ref: '#/components/schemas/DeviceWithConfigContext'
"""#),
        ("DeviceWithConfigContext", 125436, #"""
    DeviceWithConfigContext:
      type: object
      description: Adds support for custom fields and tags.
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display_url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        name:
          type: string
          nullable: true
          maxLength: 64
        device_type:
          $ref: '#/components/schemas/BriefDeviceType'
        role:
          $ref: '#/components/schemas/BriefDeviceRole'
        tenant:
          allOf:
          - $ref: '#/components/schemas/BriefTenant'
          nullable: true
        platform:
          allOf:
          - $ref: '#/components/schemas/BriefPlatform'
          nullable: true
        serial:
          type: string
          title: Serial number
          description: Chassis serial number, assigned by the manufacturer
          maxLength: 50
        asset_tag:
          type: string
          nullable: true
          description: A unique tag used to identify this device
          maxLength: 50
        site:
          $ref: '#/components/schemas/BriefSite'
        location:
          allOf:
          - $ref: '#/components/schemas/BriefLocation'
          nullable: true
        rack:
          allOf:
          - $ref: '#/components/schemas/BriefRack'
          nullable: true
        position:
          type: number
          format: double
          maximum: 1000
          minimum: 0.5
          exclusiveMaximum: true
          nullable: true
          title: Position (U)
        face:
          type: object
          properties:
            value:
              enum:
              - front
              - rear
              - ''
              type: string
              description: '* `front` - Front

                * `rear` - Rear'
              x-spec-enum-id: d2fb9b3f75158b83
            label:
              type: string
              enum:
              - Front
              - Rear
        latitude:
          type: number
          format: double
          maximum: 100
          minimum: -100
          exclusiveMaximum: true
          exclusiveMinimum: true
          nullable: true
          description: GPS coordinate in decimal format (xx.yyyyyy)
        longitude:
          type: number
          format: double
          maximum: 1000
          minimum: -1000
          exclusiveMaximum: true
          exclusiveMinimum: true
          nullable: true
          description: GPS coordinate in decimal format (xx.yyyyyy)
        parent_device:
          allOf:
          - $ref: '#/components/schemas/NestedDevice'
          nullable: true
          readOnly: true
        status:
          type: object
          properties:
            value:
              enum:
              - offline
              - active
              - planned
              - staged
              - failed
              - inventory
              - decommissioning
              type: string
              description: '* `offline` - Offline

                * `active` - Active

                * `planned` - Planned

                * `staged` - Staged

                * `failed` - Failed

                * `inventory` - Inventory

                * `decommissioning` - Decommissioning'
              x-spec-enum-id: 8d8971779f16ee18
            label:
              type: string
              enum:
              - Offline
              - Active
              - Planned
              - Staged
              - Failed
              - Inventory
              - Decommissioning
        airflow:
          type: object
          properties:
            value:
              enum:
              - front-to-rear
              - rear-to-front
              - left-to-right
              - right-to-left
              - side-to-rear
              - rear-to-side
              - bottom-to-top
              - top-to-bottom
              - passive
              - mixed
              - ''
              type: string
              description: '* `front-to-rear` - Front to rear

                * `rear-to-front` - Rear to front

                * `left-to-right` - Left to right

                * `right-to-left` - Right to left

                * `side-to-rear` - Side to rear

                * `rear-to-side` - Rear to side

                * `bottom-to-top` - Bottom to top

                * `top-to-bottom` - Top to bottom

                * `passive` - Passive

                * `mixed` - Mixed'
              x-spec-enum-id: 943288113dad6782
            label:
              type: string
              enum:
              - Front to rear
              - Rear to front
              - Left to right
              - Right to left
              - Side to rear
              - Rear to side
              - Bottom to top
              - Top to bottom
              - Passive
              - Mixed
        primary_ip:
          allOf:
          - $ref: '#/components/schemas/BriefIPAddress'
          readOnly: true
          nullable: true
        primary_ip4:
          allOf:
          - $ref: '#/components/schemas/BriefIPAddress'
          nullable: true
        primary_ip6:
          allOf:
          - $ref: '#/components/schemas/BriefIPAddress'
          nullable: true
        oob_ip:
          allOf:
          - $ref: '#/components/schemas/BriefIPAddress'
          nullable: true
        cluster:
          allOf:
          - $ref: '#/components/schemas/BriefCluster'
          nullable: true
        virtual_chassis:
          allOf:
          - $ref: '#/components/schemas/BriefVirtualChassis'
          nullable: true
        vc_position:
          type: integer
          maximum: 255
          minimum: 0
          nullable: true
        vc_priority:
          type: integer
          maximum: 255
          minimum: 0
          nullable: true
          description: Virtual chassis master election priority
        description:
          type: string
          maxLength: 200
        comments:
          type: string
        config_template:
          allOf:
          - $ref: '#/components/schemas/BriefConfigTemplate'
          nullable: true
        config_context:
          nullable: true
          readOnly: true
        local_context_data:
          nullable: true
          description: Local config context data takes precedence over source contexts
            in the final rendered config context
        tags:
          type: array
          items:
            $ref: '#/components/schemas/NestedTag'
        custom_fields:
          type: object
          additionalProperties: {}
        created:
          type: string
          format: date-time
          readOnly: true
          nullable: true
        last_updated:
          type: string
          format: date-time
          readOnly: true
          nullable: true
        console_port_count:
          type: integer
          readOnly: true
        console_server_port_count:
          type: integer
          readOnly: true
        power_port_count:
          type: integer
          readOnly: true
        power_outlet_count:
          type: integer
          readOnly: true
        interface_count:
          type: integer
          readOnly: true
        front_port_count:
          type: integer
          readOnly: true
        rear_port_count:
          type: integer
          readOnly: true
        device_bay_count:
          type: integer
          readOnly: true
        module_bay_count:
          type: integer
          readOnly: true
        inventory_item_count:
          type: integer
          readOnly: true
      required:
      - console_port_count
      - console_server_port_count
      - device_bay_count
      - device_type
      - display
      - front_port_count
      - id
      - inventory_item_count
      - module_bay_count
      - power_outlet_count
      - power_port_count
      - rear_port_count
      - role
      - site
      - url
"""#),
        ("BriefDevice", 117671, #"""
    BriefDevice:
      type: object
      description: Adds support for custom fields and tags.
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        name:
          type: string
          nullable: true
          maxLength: 64
        description:
          type: string
          maxLength: 200
      required:
      - display
      - id
      - url
"""#),
        ("BriefDeviceType", 117764, #"""
    BriefDeviceType:
      type: object
      description: Adds support for custom fields and tags.
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        manufacturer:
          $ref: '#/components/schemas/BriefManufacturer'
        model:
          type: string
          maxLength: 100
        slug:
          type: string
          maxLength: 100
          pattern: ^[-a-zA-Z0-9_]+$
        description:
          type: string
          maxLength: 200
        device_count:
          type: integer
          format: int64
          readOnly: true
      required:
      - display
      - id
      - manufacturer
      - model
      - slug
      - url
"""#),
        ("BriefManufacturer", 118538, #"""
    BriefManufacturer:
      type: object
      description: Adds support for custom fields and tags.
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        name:
          type: string
          maxLength: 100
        slug:
          type: string
          maxLength: 100
          pattern: ^[-a-zA-Z0-9_]+$
        description:
          type: string
          maxLength: 200
        devicetype_count:
          type: integer
          format: int64
          readOnly: true
      required:
      - display
      - id
      - name
      - slug
      - url
"""#),
        ("BriefDeviceRole", 117707, #"""
    BriefDeviceRole:
      type: object
      description: Adds support for custom fields and tags.
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        name:
          type: string
          maxLength: 100
        slug:
          type: string
          maxLength: 100
          pattern: ^[-a-zA-Z0-9_]+$
        description:
          type: string
          maxLength: 200
        device_count:
          type: integer
          format: int64
          readOnly: true
        virtualmachine_count:
          type: integer
          format: int64
          readOnly: true
      required:
      - display
      - id
      - name
      - slug
      - url
"""#),
        ("BriefTenant", 119487, #"""
    BriefTenant:
      type: object
      description: Adds support for custom fields and tags.
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        name:
          type: string
          maxLength: 100
        slug:
          type: string
          maxLength: 100
          pattern: ^[-a-zA-Z0-9_]+$
        description:
          type: string
          maxLength: 200
      required:
      - display
      - id
      - name
      - slug
      - url
"""#),
        ("BriefSite", 119378, #"""
    BriefSite:
      type: object
      description: Adds support for custom fields and tags.
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        name:
          type: string
          description: Full name of the site
          maxLength: 100
        slug:
          type: string
          maxLength: 100
          pattern: ^[-a-zA-Z0-9_]+$
        description:
          type: string
          maxLength: 200
      required:
      - display
      - id
      - name
      - slug
      - url
"""#),
        ("BriefRack", 119065, #"""
    BriefRack:
      type: object
      description: Adds support for custom fields and tags.
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        name:
          type: string
          maxLength: 100
        description:
          type: string
          maxLength: 200
        device_count:
          type: integer
          format: int64
          readOnly: true
      required:
      - display
      - id
      - name
      - url
"""#),
        ("BriefIPAddress", 117950, #"""
    BriefIPAddress:
      type: object
      description: Adds support for custom fields and tags.
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        family:
          type: object
          properties:
            value:
              enum:
              - 4
              - 6
              type: integer
              description: '* `4` - IPv4

                * `6` - IPv6'
              x-spec-enum-id: d72003fd1af3603d
            label:
              type: string
              enum:
              - IPv4
              - IPv6
          readOnly: true
        address:
          type: string
        description:
          type: string
          maxLength: 200
      required:
      - address
      - display
      - family
      - id
      - url
"""#),
        ("NestedTag", 135774, #"""
    NestedTag:
      type: object
      description: 'Represents an object related through a ForeignKey field. On write,
        it accepts a primary key (PK) value or a

        dictionary of attributes which can be used to uniquely identify the related
        object. This class should be

        subclassed to return a full representation of the related object on read.'
      properties:
        id:
          type: integer
          readOnly: true
        url:
          type: string
          format: uri
          readOnly: true
        display_url:
          type: string
          format: uri
          readOnly: true
        display:
          type: string
          readOnly: true
        name:
          type: string
          maxLength: 100
        slug:
          type: string
          pattern: ^[-\w]+$
          maxLength: 100
        color:
          type: string
          pattern: ^[0-9a-f]{6}$
          maxLength: 6
      required:
      - display
      - id
      - name
      - slug
      - url
"""#),
    ]
}
