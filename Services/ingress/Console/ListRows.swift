import Mustache

// The rows of lists and tables answer Mustache's lookups themselves: by reflection, rendering a page of 50 rows
// took most of its time (measured with perf under `deploy/local.sh bench`; BENCHMARKS.md has the figures).

extension ReviewScreens.QueueRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "url": url
        case "title": title
        case "ticketKey": ticketKey
        case "version": version
        case "waiting": waiting
        case "summary": summary
        default: nil
        }
    }
}

extension ReviewScreens.DiffRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "left": left
        case "right": right
        case "leftClass": leftClass
        case "rightClass": rightClass
        default: nil
        }
    }
}

extension ReviewScreens.HistoryRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "version": version
        case "decision": decision
        case "reviewer": reviewer
        case "comment": comment
        case "decided": decided
        case "url": url
        default: nil
        }
    }
}

extension TaskScreens.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "url": url
        case "title": title
        case "status": status
        case "branch": branch
        case "pullRequestURL": pullRequestURL
        case "attempts": attempts
        case "duration": duration
        case "submitted": submitted
        default: nil
        }
    }
}

extension SupportScreens.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "url": url
        case "subject": subject
        case "customer": customer
        case "priority": priority
        case "status": status
        case "churnRisk": churnRisk
        case "received": received
        default: nil
        }
    }
}

extension SupportScreens.OrderRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "number": number
        case "status": status
        case "total": total
        case "date": date
        default: nil
        }
    }
}

extension SuggestionRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "title": title
        case "source": source
        case "relevance": relevance
        case "content": content
        default: nil
        }
    }
}

extension PageScreens.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "url": url
        case "title": title
        case "version": version
        case "updated": updated
        default: nil
        }
    }
}

extension PageScreens.VersionRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "version": version
        case "published": published
        case "url": url
        default: nil
        }
    }
}

extension StoryScreens.Node: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "url": url
        case "title": title
        case "status": status
        case "children": children
        default: nil
        }
    }
}

extension UserScreens.Row: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": name
        case "path": path
        case "roles": roles
        case "rolesText": rolesText
        case "disabled": disabled
        case "created": created
        default: nil
        }
    }
}

extension UserScreens.RoleChoice: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "name": name
        case "checked": checked
        default: nil
        }
    }
}

extension OperationScreens.GroupRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "stream": stream
        case "group": group
        case "length": length
        case "pending": pending
        case "lag": lag
        case "consumers": consumers
        case "oldestPending": oldestPending
        default: nil
        }
    }
}

extension OperationScreens.LetterRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "id": id
        case "detailType": detailType
        case "eventID": eventID
        case "trailURL": trailURL
        case "error": error
        case "attempts": attempts
        case "failedAt": failedAt
        case "event": event
        default: nil
        }
    }
}

extension OperationScreens.DeadLetterGroup: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "group": group
        case "count": count
        case "url": url
        default: nil
        }
    }
}

extension KnowledgeScreens.ObjectRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "key": key
        case "size": size
        case "updated": updated
        default: nil
        }
    }
}

extension OperationScreens.TrailRow: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "time": time
        case "detailType": detailType
        case "eventID": eventID
        case "stream": stream
        case "entryID": entryID
        case "onlyGroup": onlyGroup
        case "groups": groups
        default: nil
        }
    }
}

extension OperationScreens.TrailGroup: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "group": group
        case "summary": summary
        case "status": status
        default: nil
        }
    }
}
